package dev.fleet.desired.init;

import java.time.Duration;
import java.util.List;

/**
 * Asks a droplet's sshd which host keys it has, as {@code ssh-keyscan} does. A port: the SSH edge
 * implements it.
 *
 * <p>Contract: never authenticates and never trusts what it is shown: the keys are returned for
 * someone to check, out of band, before they are written anywhere. Each connection gives up after
 * {@code timeout}. Safe to call from any thread.
 */
public interface HostKeyScanner {

    /**
     * The host keys the sshd at {@code host}:{@code port} offers, one per type fleet speaks
     * (ed25519, ECDSA, RSA), best first.
     *
     * @throws ScanException when the host cannot be reached, or offers no key of those types
     */
    List<HostKey> scan(String host, int port, Duration timeout) throws ScanException;

    /** The host could not be asked; the message says why, naming the host and port. */
    final class ScanException extends Exception {

        public ScanException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
