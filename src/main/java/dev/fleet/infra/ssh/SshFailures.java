package dev.fleet.infra.ssh;

import dev.fleet.desired.Durations;
import dev.fleet.observed.UnreachableReason;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;

/**
 * Turns what sshj and the JDK throw into a {@link DropletException} with a precise reason and a
 * message a person can act on. The order of the checks matters: sshj wraps the JDK's exceptions, so
 * the root cause decides before the wrapper does.
 */
final class SshFailures {

    private SshFailures() {}

    /**
     * @param address where we were talking to, such as {@code deploy@127.0.0.1:2222}
     * @param doing   what we were doing, such as {@code connecting}, for the message
     * @param timeout the timeout that applied, for the message
     */
    static DropletException classify(String address, String doing, Duration timeout, IOException error) {
        if (error instanceof DropletException droplet) {
            return droplet;
        }
        String detail = rootMessage(error);
        if (has(error, UnknownHostException.class)) {
            return new DropletException(UnreachableReason.OTHER,
                    "unknown host " + detail + " (connecting to " + address + "); check the droplet's host", error);
        }
        if (has(error, ConnectException.class)) {
            return new DropletException(UnreachableReason.REFUSED,
                    "nothing accepts SSH connections at " + address + " (" + detail + ")", error);
        }
        if (has(error, NoRouteToHostException.class)) {
            return new DropletException(UnreachableReason.REFUSED, "no route to " + address + " (" + detail + ")", error);
        }
        if (has(error, SocketTimeoutException.class) || has(error, TimeoutException.class)) {
            return new DropletException(UnreachableReason.TIMEOUT,
                    address + " did not answer within " + Durations.timeout(timeout) + " while " + doing, error);
        }
        if (error instanceof UserAuthException) {
            return new DropletException(UnreachableReason.AUTHENTICATION,
                    "the sshd at " + address + " refused our key (" + detail + "); is the identity file's public key"
                            + " in the user's ~/.ssh/authorized_keys?", error);
        }
        if (error instanceof OpenFailException open) {
            // sshd refuses channels beyond MaxSessions, and forwards to ports nothing listens on.
            return new DropletException(UnreachableReason.REFUSED,
                    "the sshd at " + address + " refused a channel while " + doing + " (" + open.getReason() + ": "
                            + open.getMessage() + ")", error);
        }
        if (error instanceof TransportException transport && transport.getDisconnectReason()
                == DisconnectReason.KEY_EXCHANGE_FAILED) {
            return new DropletException(UnreachableReason.OTHER,
                    "no SSH algorithm in common with " + address + " (" + detail + "); fleet speaks only current ones"
                            + " (curve25519/ECDH, ed25519/ECDSA/rsa-sha2, AES-GCM/CTR)", error);
        }
        if (has(error, EOFException.class) || has(error, SocketException.class)
                || error instanceof TransportException t && t.getDisconnectReason() == DisconnectReason.CONNECTION_LOST) {
            // sshd drops connections beyond MaxStartups, and while it restarts: worth another try.
            return new DropletException(UnreachableReason.REFUSED,
                    address + " closed the SSH connection while " + doing + " (" + detail + ")", error);
        }
        return new DropletException(UnreachableReason.OTHER, doing + " " + address + " failed: " + detail, error);
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = error.getMessage();
        }
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
