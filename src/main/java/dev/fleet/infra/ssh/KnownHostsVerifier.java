package dev.fleet.infra.ssh;

import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Verifies a droplet's host key against the state's known_hosts file, the way OpenSSH does with
 * {@code StrictHostKeyChecking=yes}: a key listed for the host passes; anything else is refused,
 * never added. Hashed hosts, {@code [host]:port} patterns, wildcards and ed25519, ECDSA and RSA
 * entries are OpenSSHKnownHosts's parsing.
 *
 * <p>A refusal is remembered ({@link #refusal()}), since sshj itself only reports "could not
 * verify": the report needs the expected and presented fingerprints and the line to add.
 *
 * <p>One instance per connection attempt: the remembered refusal belongs to that attempt.
 */
final class KnownHostsVerifier extends OpenSSHKnownHosts {

    private static final String SSH_RSA = "ssh-rsa";

    private final Path file;
    private volatile HostKeyRefusal refusal;

    KnownHostsVerifier(Path file) throws IOException {
        super(file.toFile());
        this.file = file;
    }

    /** Why the last key was refused, if it was. */
    Optional<HostKeyRefusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * The host key algorithms to prefer for a host: those of its known keys, so the droplet presents
     * a key we can check. An RSA entry stands for rsa-sha2-512/256: the entry's type is
     * {@code ssh-rsa}, but preferring the SHA-1 signature of that name makes sshj skip RSA against
     * a current sshd (which dropped it) and negotiate a key type known_hosts does not list.
     */
    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        List<String> algorithms = new ArrayList<>();
        for (String algorithm : super.findExistingAlgorithms(hostname, port)) {
            if (algorithm.equals(SSH_RSA)) {
                algorithms.add("rsa-sha2-512");
                algorithms.add("rsa-sha2-256");
            } else {
                algorithms.add(algorithm);
            }
        }
        return algorithms;
    }

    @Override
    protected boolean hostKeyUnverifiableAction(String hostPattern, PublicKey key) {
        List<KnownKey> others = knownKeys(hostPattern);
        String presented = HostKeys.type(key) + " " + HostKeys.fingerprint(key);
        String fileNote = Files.exists(file) ? "" : " (the file does not exist yet)";
        String otherTypes = others.isEmpty() ? ""
                : "; known_hosts lists only other key types for it (" + describe(others) + ")";
        refusal = new HostKeyRefusal(UnreachableReason.HOST_KEY_UNKNOWN,
                "the host key of " + hostPattern + " is not in " + file + fileNote + otherTypes
                        + ": the droplet presented " + presented + ". Verify that fingerprint out of band (for"
                        + " example on the droplet's console: ssh-keygen -lf /etc/ssh/ssh_host_"
                        + keyFileSuffix(key) + "_key.pub), then add this line to " + file + ": "
                        + HostKeys.knownHostsLine(hostPattern, key));
        return false;
    }

    @Override
    protected boolean hostKeyChangedAction(String hostPattern, PublicKey key) {
        String type = HostKeys.type(key);
        String presentedFingerprint = HostKeys.fingerprint(key);
        List<KnownKey> expected = knownKeys(hostPattern).stream().filter(k -> k.type().equals(type)).toList();
        String verdict = expected.stream().anyMatch(k -> k.fingerprint().equals(presentedFingerprint))
                ? "the host key of " + hostPattern + " is marked @revoked in " + file
                : "the host key of " + hostPattern + " changed: " + file + " expects " + describe(expected);
        refusal = new HostKeyRefusal(UnreachableReason.HOST_KEY_CHANGED,
                verdict + ", the droplet presented " + type + " " + presentedFingerprint
                        + ". fleet refuses to talk to it, since it may be another machine. If the droplet was"
                        + " rebuilt, verify the new fingerprint out of band, then replace its line in known_hosts"
                        + " with: " + HostKeys.knownHostsLine(hostPattern, key));
        return false;
    }

    private List<KnownKey> knownKeys(String hostPattern) {
        List<KnownKey> keys = new ArrayList<>();
        for (KnownHostEntry entry : entries()) {
            try {
                if (entry.appliesTo(hostPattern)) {
                    keyOf(entry).ifPresent(keys::add);
                }
            } catch (IOException e) {
                // A malformed entry (a bad hash, say) applies to nothing we can name.
            }
        }
        return keys;
    }

    /** The type and fingerprint of an entry, from its line: sshj keeps the key itself private. */
    private static Optional<KnownKey> keyOf(KnownHostEntry entry) {
        String type = entry.getType().toString();
        String[] fields = entry.getLine().trim().split("\\s+");
        for (int i = 0; i + 1 < fields.length; i++) {
            if (fields[i].equals(type)) {
                try {
                    return Optional.of(new KnownKey(type, HostKeys.fingerprint(Base64.getDecoder().decode(fields[i + 1]))));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(List<KnownKey> keys) {
        return keys.stream().map(k -> k.type() + " " + k.fingerprint()).collect(Collectors.joining(" or "));
    }

    /** The part of an OpenSSH host key file name that names its type, such as {@code ed25519}. */
    private static String keyFileSuffix(PublicKey key) {
        String type = HostKeys.type(key);
        if (type.startsWith("ecdsa")) {
            return "ecdsa";
        }
        return type.startsWith("ssh-") ? type.substring("ssh-".length()) : type;
    }

    private record KnownKey(String type, String fingerprint) {}

    /**
     * Why a host key was refused.
     *
     * @param reason  {@link UnreachableReason#HOST_KEY_UNKNOWN} or {@link UnreachableReason#HOST_KEY_CHANGED}
     * @param message the fingerprints and what to do, fit for a report
     */
    record HostKeyRefusal(UnreachableReason reason, String message) {}
}
