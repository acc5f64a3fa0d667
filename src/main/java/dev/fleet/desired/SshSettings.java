package dev.fleet.desired;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How fleet reaches the droplets.
 *
 * @param identityFile   the private key (never printed; only its path is)
 * @param knownHosts     the known_hosts file the droplets' host keys are verified against, kept
 *                       beside the state in git
 * @param connectTimeout how long to wait for a droplet's sshd to answer
 * @param commandTimeout how long any single command or API call may take
 */
public record SshSettings(Path identityFile, Path knownHosts, Duration connectTimeout, Duration commandTimeout) {}
