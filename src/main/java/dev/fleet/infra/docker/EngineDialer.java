package dev.fleet.infra.docker;

import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.UnreachableReason;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Opens the channels that reach one droplet's Docker engine, and decides once, on the first, which
 * way they go for the rest of the SSH connection's life:
 *
 * <ol>
 *   <li>a {@code direct-streamlocal@openssh.com} channel to {@value #ENGINE_SOCKET}, when the
 *       droplet's sshd opens one: sshd connects it to the socket itself, where dial-stdio costs the
 *       droplet a session, a shell and a {@code docker} process (a large Go binary) per channel;
 *   <li>otherwise a channel running {@code docker system dial-stdio}, which works wherever the docker
 *       CLI does: an sshd that forbids the channel ({@code AllowStreamLocalForwarding no}) or does not
 *       know it, an engine elsewhere than the default socket (rootless), a user who may not use it
 *       (then dial-stdio says why, in its own words).
 * </ol>
 *
 * <p>A failure that is not a refusal (the connection broke, the droplet did not answer) decides
 * nothing: it is thrown, and the next channel asks again. Once streamlocal is chosen, a later refusal
 * is a failure of that call (dockerd restarting removes its socket for a while), not a switch.
 *
 * <p>Thread-safe. Channels opened while the first one is being decided wait for that decision, so the
 * droplet is asked once.
 *
 * @param <C> the channel type (an SSH channel; anything, in tests)
 */
final class EngineDialer<C> {

    /**
     * The Docker engine's socket on a droplet: dockerd's own default ({@code -H unix:///var/run/docker.sock}),
     * which Debian's and Docker's packages keep. An engine listening elsewhere is reached through
     * dial-stdio, which follows the CLI's own settings.
     */
    static final String ENGINE_SOCKET = "/var/run/docker.sock";

    /** The ways to the engine, as the {@code --debug} log names them. */
    enum Transport {
        STREAMLOCAL("a direct-streamlocal channel to " + ENGINE_SOCKET),
        DIAL_STDIO("docker system dial-stdio");

        private final String description;

        Transport(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /** Opens a streamlocal channel to {@link #ENGINE_SOCKET}; empty when the droplet refused it. */
    interface StreamLocal<C> {
        Optional<C> open() throws DropletException;
    }

    /** Opens a channel running {@code docker system dial-stdio}. */
    interface DialStdio<C> {
        C open() throws DropletException;
    }

    private final StreamLocal<C> streamLocal;
    private final DialStdio<C> dialStdio;
    private final Consumer<Transport> onChosen;
    private volatile Transport chosen;

    /** @param onChosen told the way once it is decided, for the log */
    EngineDialer(StreamLocal<C> streamLocal, DialStdio<C> dialStdio, Consumer<Transport> onChosen) {
        this.streamLocal = streamLocal;
        this.dialStdio = dialStdio;
        this.onChosen = onChosen;
    }

    /** A new channel to the engine, the way this connection goes (deciding it first if need be). */
    C open() throws DropletException {
        Transport known = chosen;
        if (known == null) {
            synchronized (this) {
                if (chosen == null) {
                    Optional<C> opened = streamLocal.open();
                    chosen = opened.isPresent() ? Transport.STREAMLOCAL : Transport.DIAL_STDIO;
                    onChosen.accept(chosen);
                    if (opened.isPresent()) {
                        return opened.get();
                    }
                }
                known = chosen;
            }
        }
        return switch (known) {
            case DIAL_STDIO -> dialStdio.open();
            case STREAMLOCAL -> streamLocal.open().orElseThrow(() -> new DropletException(UnreachableReason.DOCKER,
                    "the droplet's sshd no longer connects channels to " + ENGINE_SOCKET
                            + " (it did earlier on this connection): is dockerd running?"));
        };
    }

    /** The way this connection goes, once its first channel decided it. */
    Optional<Transport> transport() {
        return Optional.ofNullable(chosen);
    }
}
