package dev.fleet.desired;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How fleet reaches the droplets.
 *
 * @param identity       what fleet logs in with
 * @param knownHosts     the known_hosts file the droplets' host keys are verified against, kept
 *                       beside the state in git
 * @param connectTimeout how long to wait for a droplet's sshd to answer
 * @param commandTimeout how long any single command or API call may take
 */
public record SshSettings(SshIdentity identity, Path knownHosts, Duration connectTimeout, Duration commandTimeout) {

    /** Logging in with an unencrypted key file. */
    public SshSettings(Path identityFile, Path knownHosts, Duration connectTimeout, Duration commandTimeout) {
        this(new SshIdentity.KeyFile(identityFile, Optional.empty()), knownHosts, connectTimeout, commandTimeout);
    }
}
