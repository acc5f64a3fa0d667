package dev.fleet.infra.ssh;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;

/** Host keys as OpenSSH shows them: fingerprints, known_hosts host patterns and lines. */
final class HostKeys {

    private static final int DEFAULT_SSH_PORT = 22;

    private HostKeys() {}

    /** {@code SHA256:} and the unpadded base64 of the key blob's SHA-256, as {@code ssh-keygen -l} prints it. */
    static String fingerprint(PublicKey key) {
        return fingerprint(blob(key));
    }

    /** The fingerprint of a key blob, as found base64-encoded in a known_hosts line. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The key's type as SSH names it, such as {@code ssh-ed25519}. */
    static String type(PublicKey key) {
        return KeyType.fromKey(key).toString();
    }

    /** How known_hosts names a host: {@code host} on port 22, {@code [host]:port} elsewhere. */
    static String hostPattern(String host, int port) {
        return port == DEFAULT_SSH_PORT ? host : "[" + host + "]:" + port;
    }

    /** The known_hosts line that trusts {@code key} for {@code hostPattern}. */
    static String knownHostsLine(String hostPattern, PublicKey key) {
        return hostPattern + " " + type(key) + " " + Base64.getEncoder().encodeToString(blob(key));
    }

    /** The key blob, base64, as a known_hosts line holds it. */
    static String base64(PublicKey key) {
        return Base64.getEncoder().encodeToString(blob(key));
    }

    private static byte[] blob(PublicKey key) {
        return new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
    }
}
