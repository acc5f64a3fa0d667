package dev.fleet.infra.ssh;

import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;

/**
 * Opens SSH connections to droplets: key authentication with the state's identity file, host keys
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
        String address = droplet.user() + "@" + droplet.host() + ":" + droplet.port();
        KnownHostsVerifier verifier = knownHosts(settings.knownHosts(), droplet.host(), droplet.port());
        SSHClient client = new SSHClient(ModernAlgorithms.config());
        client.addHostKeyVerifier(verifier);
        client.setConnectTimeout(Timeouts.millis(settings.connectTimeout()));
        client.setTimeout(Timeouts.millis(settings.commandTimeout()));
        client.getTransport().setTimeoutMs(Timeouts.millis(settings.commandTimeout()));
        client.getConnection().setTimeoutMs(Timeouts.millis(settings.commandTimeout()));
        client.getConnection().getKeepAlive().setKeepAliveInterval(keepAliveSeconds(settings.commandTimeout()));
        String doing = "connecting";
        try {
            KeyProvider key = identity(client, settings.identityFile());
            client.connect(droplet.host(), droplet.port());
            doing = "authenticating as " + droplet.user();
            client.authPublickey(droplet.user(), key);
            return new SshConnection(client, address, settings.commandTimeout());
        } catch (IOException e) {
            // Until the TCP connection stands, the connect timeout is the one that ran out.
            Duration timeout = client.isConnected() ? settings.commandTimeout() : settings.connectTimeout();
            close(client);
            if (verifier.refusal().isPresent()) {
                var refusal = verifier.refusal().get();
                throw new DropletException(refusal.reason(), refusal.message(), e);
            }
            throw SshFailures.classify(address, doing, timeout, e);
        }
    }

    private static KnownHostsVerifier knownHosts(Path file, String host, int port) throws DropletException {
        try {
            return KnownHostsVerifier.forHost(file, host, port);
        } catch (IOException e) {
            throw new DropletException(UnreachableReason.OTHER, "cannot read known_hosts " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The private key, read before connecting so a missing or unusable file fails without touching the
     * network. Messages name the file, never its content.
     */
    private static KeyProvider identity(SSHClient client, Path file) throws DropletException {
        if (!Files.isReadable(file)) {
            throw new DropletException(UnreachableReason.OTHER, "cannot read the identity file " + file);
        }
        try {
            KeyProvider key = client.loadKeys(file.toString());
            key.getPrivate();
            return key;
        } catch (IOException | RuntimeException e) {
            throw new DropletException(UnreachableReason.OTHER, "cannot use the identity file " + file
                    + " (an unencrypted OpenSSH or PEM private key is needed): " + e.getClass().getSimpleName(), e);
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
