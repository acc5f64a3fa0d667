package dev.fleet.infra.ssh;

import com.hierynomus.sshj.common.KeyDecryptionFailedException;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.SshIdentity;
import dev.fleet.desired.SshSettings;
import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;

/**
 * Opens SSH connections to droplets: key authentication with the state's identity file (decrypted
 * with the passphrase the state's loader found in fleet's environment, when it is encrypted) or,
 * without one, with the keys of the ssh-agent at {@code SSH_AUTH_SOCK}; host keys
 * verified against the state's known_hosts (never accepted blindly, never added), current algorithms
 * only.
 *
 * <p>Timeouts: {@link SshSettings#connectTimeout()} bounds the TCP connect; {@link
 * SshSettings#commandTimeout()} bounds every later wait (key exchange, authentication, opening a
 * channel) and is the socket's read timeout, so a droplet that goes silent is noticed. Keep-alives
 * every third of that timeout keep an idle but healthy connection from tripping it.
 *
 * <p>Stateless and thread-safe.
 */
public final class SshConnector {

    static {
        ModernAlgorithms.useJdkProviders();
    }

    // Keep-alives go out every third of the command timeout, within these bounds (sshj counts in seconds).
    private static final int MIN_KEEP_ALIVE_SECONDS = 1;
    private static final int MAX_KEEP_ALIVE_SECONDS = 15;

    /**
     * Connects to {@code droplet} and authenticates as its user.
     *
     * @throws DropletException with reason REFUSED or TIMEOUT (worth retrying), HOST_KEY_UNKNOWN,
     *     HOST_KEY_CHANGED or AUTHENTICATION (not until someone acts), or OTHER
     */
    public SshConnection connect(DropletSpec droplet, SshSettings settings) throws DropletException {
        return connect(droplet.host(), droplet.port(), droplet.user(), settings, SshPeer.DROPLET);
    }

    /**
     * Connects to the sshd of {@code peer} at {@code host}:{@code port} and authenticates as {@code
     * user}, as {@link #connect(DropletSpec, SshSettings)} does for a droplet; messages say what
     * {@code peer} is and which of fleet's variables to set.
     */
    public SshConnection connect(String host, int port, String user, SshSettings settings, SshPeer peer)
            throws DropletException {
        String address = user + "@" + host + ":" + port;
        KnownHostsVerifier verifier = knownHosts(settings.knownHosts(), host, port, peer);
        SSHClient client = new SSHClient(ModernAlgorithms.config());
        client.addHostKeyVerifier(verifier);
        client.setConnectTimeout(Timeouts.millis(settings.connectTimeout()));
        client.setTimeout(Timeouts.millis(settings.commandTimeout()));
        client.getTransport().setTimeoutMs(Timeouts.millis(settings.commandTimeout()));
        client.getConnection().setTimeoutMs(Timeouts.millis(settings.commandTimeout()));
        client.getConnection().getKeepAlive().setKeepAliveInterval(keepAliveSeconds(settings.commandTimeout()));
        String doing = "connecting";
        Login login = null;
        try {
            login = login(client, settings, peer);
            client.connect(host, port);
            doing = "authenticating as " + user;
            client.auth(user, login.methods());
            return new SshConnection(client, address, settings.commandTimeout());
        } catch (IOException e) {
            // Until the TCP connection stands, the connect timeout is the one that ran out.
            Duration timeout = client.isConnected() ? settings.commandTimeout() : settings.connectTimeout();
            close(client);
            if (verifier.refusal().isPresent()) {
                var refusal = verifier.refusal().get();
                throw new DropletException(refusal.reason(), refusal.message(), e);
            }
            if (login != null) {
                Optional<DropletException> explained = login.explain(address, e);
                if (explained.isPresent()) {
                    throw explained.get();
                }
            }
            throw SshFailures.classify(address, doing, timeout, e);
        } finally {
            if (login != null) {
                login.close();
            }
        }
    }

    private static KnownHostsVerifier knownHosts(Path file, String host, int port, SshPeer peer)
            throws DropletException {
        try {
            return KnownHostsVerifier.forHost(file, host, port, peer);
        } catch (IOException e) {
            throw new DropletException(UnreachableReason.OTHER, "cannot read known_hosts " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * How fleet proves who it is on one connection: the authentication methods sshj tries in turn.
     * Closed once the connection is authenticated or has failed.
     */
    private interface Login extends AutoCloseable {

        List<AuthMethod> methods();

        /** A better account of a failed connection than sshj's, when this login knows one. */
        default Optional<DropletException> explain(String address, IOException error) {
            return Optional.empty();
        }

        @Override
        default void close() {}
    }

    /**
     * The login {@code settings} ask for, made ready before connecting, so that an unusable key
     * file, a missing or wrong passphrase, or an agent that cannot be asked fails without touching
     * the network. Messages name the file, the agent's socket and where a passphrase came from,
     * never key material nor the passphrase.
     */
    private static Login login(SSHClient client, SshSettings settings, SshPeer peer) throws DropletException {
        return switch (settings.identity()) {
            case SshIdentity.KeyFile keyFile -> {
                KeyProvider key = keyFile(client, keyFile, peer);
                yield () -> List.of(new AuthPublickey(key));
            }
            case SshIdentity.Agent agent -> AgentLogin.open(agent.socket(), settings.commandTimeout(), peer);
        };
    }

    private static KeyProvider keyFile(SSHClient client, SshIdentity.KeyFile identity, SshPeer peer)
            throws DropletException {
        Path file = identity.file();
        if (!Files.isReadable(file)) {
            throw new DropletException(UnreachableReason.OTHER, "cannot read the identity file " + file);
        }
        PassphraseFinder finder = new PassphraseFinder(identity.passphrase());
        try {
            KeyProvider key = client.loadKeys(file.toString(), finder);
            key.getPrivate();
            return key;
        } catch (IOException | RuntimeException e) {
            if (finder.asked()) {
                throw new DropletException(UnreachableReason.OTHER, identity.passphrase()
                        .map(passphrase -> "the passphrase from " + passphrase.source() + " does not open the identity"
                                + " file " + file + ": wrong passphrase"
                                + (e instanceof KeyDecryptionFailedException ? "" : ", or the key is damaged"))
                        .orElse("the identity file " + file + " is encrypted; set " + peer.passphraseVariable() + " or "
                                + peer.passphraseFileVariable() + " (a file only you can read) to its passphrase"), e);
            }
            throw new DropletException(UnreachableReason.OTHER, "cannot use the identity file " + file
                    + " (an OpenSSH or PEM private key is needed): " + e.getClass().getSimpleName(), e);
        }
    }

    /** The keys of an ssh-agent, one method each, in the agent's order (as ssh offers them). */
    private static final class AgentLogin implements Login {

        private final AgentClient agent;
        private final List<AuthMethod> methods;
        private final AtomicReference<AgentClient.AgentException> failure;

        private AgentLogin(AgentClient agent, List<AuthMethod> methods,
                AtomicReference<AgentClient.AgentException> failure) {
            this.agent = agent;
            this.methods = methods;
            this.failure = failure;
        }

        static AgentLogin open(Path socket, Duration timeout, SshPeer peer) throws DropletException {
            AgentClient agent;
            try {
                agent = AgentClient.connect(socket, timeout);
            } catch (AgentClient.AgentException e) {
                throw new DropletException(UnreachableReason.OTHER, e.getMessage() + "; is ssh-agent running, and"
                        + " SSH_AUTH_SOCK its socket? (" + peer.withoutKeyFile() + ", so fleet logs in with"
                        + " the agent's keys)", e);
            }
            try {
                List<AgentClient.Key> keys = agent.identities();
                AtomicReference<AgentClient.AgentException> failure = new AtomicReference<>();
                List<AuthMethod> methods = keys.stream()
                        .flatMap(key -> AgentPublickey.of(agent, key, failure).stream())
                        .map(AuthMethod.class::cast)
                        .toList();
                if (methods.isEmpty()) {
                    throw new DropletException(UnreachableReason.OTHER, keys.isEmpty()
                            ? "the ssh-agent at " + socket + " holds no keys; add " + peer.whichKey() + " with ssh-add"
                            : "none of the " + keys.size() + " keys of the ssh-agent at " + socket + " is of a type"
                                    + " fleet logs in with (ed25519, ECDSA, RSA)");
                }
                return new AgentLogin(agent, methods, failure);
            } catch (AgentClient.AgentException e) {
                agent.close();
                throw new DropletException(UnreachableReason.OTHER, e.getMessage(), e);
            } catch (DropletException e) {
                agent.close();
                throw e;
            }
        }

        @Override
        public List<AuthMethod> methods() {
            return methods;
        }

        @Override
        public Optional<DropletException> explain(String address, IOException error) {
            AgentClient.AgentException failed = failure.get();
            if (failed != null) {
                return Optional.of(new DropletException(UnreachableReason.OTHER, failed.getMessage()
                        + " (logging in to " + address + ")", error));
            }
            if (error instanceof UserAuthException) {
                return Optional.of(new DropletException(UnreachableReason.AUTHENTICATION, "the sshd at " + address
                        + " refused every key of the ssh-agent at " + agent.socket() + " (" + methods.size()
                        + "); is one of them in the user's ~/.ssh/authorized_keys?", error));
            }
            return Optional.empty();
        }

        @Override
        public void close() {
            agent.close();
        }
    }

    private static int keepAliveSeconds(Duration commandTimeout) {
        long third = commandTimeout.toSeconds() / 3;
        return (int) Math.clamp(third, MIN_KEEP_ALIVE_SECONDS, MAX_KEEP_ALIVE_SECONDS);
    }

    private static void close(SSHClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // Nothing was established that could leak.
        }
    }
}
