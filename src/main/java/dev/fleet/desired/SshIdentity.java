package dev.fleet.desired;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** What fleet proves who it is with when it logs in to a droplet. */
public sealed interface SshIdentity {

    /**
     * A private key file ({@code ssh.identity-file}); only its owner can open it (the loader checks).
     *
     * @param file       the key (never printed; only its path is)
     * @param passphrase what opens it when it is encrypted, when fleet's environment gives one
     */
    record KeyFile(Path file, Optional<Passphrase> passphrase) implements SshIdentity {

        public KeyFile {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(passphrase, "passphrase");
        }
    }

    /**
     * The keys of the ssh-agent fleet's environment names ({@code SSH_AUTH_SOCK}), when the state
     * gives no identity file: the private keys stay in the agent, which signs for fleet.
     *
     * @param socket the agent's UNIX socket
     */
    record Agent(Path socket) implements SshIdentity {

        public Agent {
            Objects.requireNonNull(socket, "socket");
        }
    }

    /**
     * A key file's passphrase.
     *
     * @param value  never printed
     * @param source where it came from, for messages: {@code env FLEET_SSH_PASSPHRASE} or
     *               {@code file /path}
     */
    record Passphrase(Secret value, String source) {}
}
