package dev.fleet.infra.ssh;

import com.hierynomus.sshj.key.KeyAlgorithm;
import com.hierynomus.sshj.key.KeyAlgorithms;
import dev.fleet.desired.init.HostKey;
import dev.fleet.desired.init.HostKeyScanner;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * {@link HostKeyScanner} over sshj, as {@code ssh-keyscan} does it: one connection per key type,
 * each offering only that type, so the sshd shows the key it has of it. Each connection ends at the
 * key exchange: the key is recorded and refused, so nothing is authenticated and no channel opens.
 */
public final class SshHostKeyScanner implements HostKeyScanner {

    /** The types fleet speaks, best first, one connection each. */
    private static final List<Factory.Named<KeyAlgorithm>> TYPES = List.of(KeyAlgorithms.EdDSA25519(),
            KeyAlgorithms.ECDSASHANistp256(), KeyAlgorithms.ECDSASHANistp384(), KeyAlgorithms.ECDSASHANistp521(),
            KeyAlgorithms.RSASHA512());

    @Override
    public List<HostKey> scan(String host, int port, Duration timeout) throws ScanException {
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        List<HostKey> keys = new ArrayList<>();
        TransportException lastRefusal = null;
        for (Factory.Named<KeyAlgorithm> type : TYPES) {
            try {
                offered(host, port, timeout, type).ifPresent(keys::add);
            } catch (TransportException e) {
                lastRefusal = e; // the sshd has no key of this type; the next one may
            } catch (IOException e) {
                throw new ScanException("cannot reach " + address + ": " + describe(e), e);
            }
        }
        if (keys.isEmpty()) {
            throw new ScanException(address + " offered no host key fleet speaks (ed25519, ECDSA or RSA)"
                    + (lastRefusal == null ? "" : ": " + describe(lastRefusal)), lastRefusal);
        }
        return List.copyOf(keys);
    }

    /**
     * The key the sshd shows when only {@code type} is offered; empty when the exchange ended before
     * one was shown.
     *
     * @throws TransportException when the sshd would not agree on {@code type} (it has no such key)
     * @throws IOException        when the host could not be reached at all
     */
    private static Optional<HostKey> offered(String host, int port, Duration timeout,
            Factory.Named<KeyAlgorithm> type) throws IOException {
        Config config = ModernAlgorithms.config();
        config.setKeyAlgorithms(List.of(type));
        AtomicReference<PublicKey> shown = new AtomicReference<>();
        try (SSHClient client = new SSHClient(config)) {
            client.addHostKeyVerifier(new HostKeyVerifier() {
                @Override
                public boolean verify(String hostname, int hostPort, PublicKey key) {
                    shown.set(key);
                    return false; // recorded for someone to check; trusted by no one yet
                }

                @Override
                public List<String> findExistingAlgorithms(String hostname, int hostPort) {
                    return List.of();
                }
            });
            int millis = Timeouts.millis(timeout);
            client.setConnectTimeout(millis);
            client.setTimeout(millis);
            client.getTransport().setTimeoutMs(millis);
            try {
                client.connect(host, port);
            } catch (TransportException e) {
                if (shown.get() == null) {
                    throw e;
                }
            }
        }
        PublicKey key = shown.get();
        return key == null ? Optional.empty()
                : Optional.of(new HostKey(HostKeys.type(key), HostKeys.fingerprint(key), HostKeys.base64(key)));
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }
}
