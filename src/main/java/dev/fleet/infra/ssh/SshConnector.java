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
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;

/**
 * Opens SSH connections to droplets: key authentication with the state's identity file (decrypted
 * with the passphrase the state's loader found in fleet's environment, when it is encrypted), host keys
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

    // Where the loader reads an encrypted key's passphrase from (fleet's environment), for messages.
    private static final String PASSPHRASE_VARIABLE = "FLEET_SSH_PASSPHRASE";
    private static final String PASSPHRASE_FILE_VARIABLE = "FLEET_SSH_PASSPHRASE_FILE";

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
            KeyProvider key = identity(client, settings.identity());
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
     * The private key, read (and decrypted) before connecting so a missing or unusable file, or a
     * missing or wrong passphrase, fails without touching the network. Messages name the file and
     * where a passphrase came from, never the key's content nor the passphrase.
     */
    private static KeyProvider identity(SSHClient client, SshIdentity identity) throws DropletException {
        return switch (identity) {
            case SshIdentity.KeyFile keyFile -> keyFile(client, keyFile);
        };
    }

    private static KeyProvider keyFile(SSHClient client, SshIdentity.KeyFile identity) throws DropletException {
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
                        .orElse("the identity file " + file + " is encrypted; set " + PASSPHRASE_VARIABLE + " or "
                                + PASSPHRASE_FILE_VARIABLE + " (a file only you can read) to its passphrase"), e);
            }
            throw new DropletException(UnreachableReason.OTHER, "cannot use the identity file " + file
                    + " (an OpenSSH or PEM private key is needed): " + e.getClass().getSimpleName(), e);
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
