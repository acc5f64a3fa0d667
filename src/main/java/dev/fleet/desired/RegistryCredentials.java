package dev.fleet.desired;

/**
 * Credentials for the registry the droplets pull from. The password is resolved from fleet's
 * environment or a file when the state is loaded, never written in the state file.
 */
public record RegistryCredentials(String server, String username, Secret password) {}
