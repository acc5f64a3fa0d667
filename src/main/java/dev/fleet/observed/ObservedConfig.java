package dev.fleet.observed;

import dev.fleet.desired.ContainerSettings;

/**
 * How a container is really set up, as {@code docker inspect} says (not as any file says), in the
 * terms of the state: drift compares it with what the state wants, and a rollback recreates it.
 *
 * <p>Its environment holds every value the container was given, secrets included: each is a
 * {@link dev.fleet.desired.Secret} (an {@link dev.fleet.desired.EnvValue.SecretValue}), compared in
 * memory, never printed. Its labels leave out fleet's own ({@code fleet.*}). A setting the engine
 * has no value for is empty, as in the state: no command (the image's), no stop grace (Docker's
 * 10 s).
 *
 * @param settings the container's settings, as the engine reports them
 * @param image    what its image gives every container unless told otherwise
 */
public record ObservedConfig(ContainerSettings settings, ImageDefaults image) {}
