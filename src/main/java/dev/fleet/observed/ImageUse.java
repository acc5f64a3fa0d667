package dev.fleet.observed;

/**
 * The service's images on a droplet: those of its image's repository, as the droplet's engine lists them.
 *
 * @param count how many
 * @param bytes their size on disk as the engine reports each (layers two images share count in both)
 */
public record ImageUse(int count, long bytes) {}
