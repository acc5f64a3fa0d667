package dev.fleet.infra.ssh;

import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Verifies a droplet's host key against the state's known_hosts file, the way OpenSSH does with
 * {@code StrictHostKeyChecking=yes}: a key listed for the host passes; anything else is refused,
 * never added. Hashed hosts, {@code [host]:port} patterns, wildcards, markers and ed25519, ECDSA and
 * RSA entries are OpenSSHKnownHosts's parsing.
 *
 * <p>Only the lines that can apply to the droplet are kept, and a line's key is decoded only when
 * the droplet presents a key of its type. Decoding is the costly part of reading known_hosts (an RSA
 * modulus is tested for primality, an EC point for being on its curve), and fleet connects to every
 * droplet at once: decoding the whole file per droplet would make a run's time grow with the
 * square of the fleet's size.
 *
 * <p>A refusal is remembered ({@link #refusal()}), since sshj itself only reports "could not
 * verify": the report needs the expected and presented fingerprints and the line to add.
 *
 * <p>One instance per connection attempt: the remembered refusal belongs to that attempt.
 */
final class KnownHostsVerifier extends OpenSSHKnownHosts {

    private static final String SSH_RSA = "ssh-rsa";
    private static final String CA_MARKER = "@cert-authority";

    private final Path file;
    /** The lines that can apply to the droplet, undecoded. */
    private final List<String> lines;
    private final String host;
    private final int port;
    private final SshPeer peer;
    private volatile HostKeyRefusal refusal;

    private KnownHostsVerifier(Path file, List<String> lines, String host, int port, SshPeer peer) throws IOException {
        super(new StringReader(""), SshjLogging.QUIET_UNLESS_DEBUGGING);
        this.file = file;
        this.lines = lines;
        this.host = host;
        this.port = port;
        this.peer = peer;
    }

    /** A verifier for the droplet at {@code host} and {@code port}, from {@code file} (missing: knows none). */
    static KnownHostsVerifier forHost(Path file, String host, int port) throws IOException {
        return forHost(file, host, port, SshPeer.DROPLET);
    }

    /** A verifier for {@code peer} at {@code host} and {@code port}, from {@code file} (missing: knows none). */
    static KnownHostsVerifier forHost(Path file, String host, int port, SshPeer peer) throws IOException {
        return new KnownHostsVerifier(file, KnownHostsFile.linesFor(file, adjusted(host, port)), host, port, peer);
    }

    /** Why the last key was refused, if it was. */
    Optional<HostKeyRefusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** Decodes the entries of the presented key's type (and CA entries, which may sign it), then verifies. */
    @Override
    public synchronized boolean verify(String hostname, int port, PublicKey key) {
        String type = HostKeys.type(key);
        EntryFactory factory = new EntryFactory();
        entries.clear();
        for (String line : lines) {
            String[] fields = fields(line);
            if (fields.length > 2 && (fields[2].equals(type) || fields[0].equals(CA_MARKER))) {
                try {
                    KnownHostEntry entry = factory.parseEntry(line);
                    if (entry != null) {
                        entries.add(entry);
                    }
                } catch (IOException | RuntimeException e) {
                    // OpenSSH skips a line it cannot read too; the key then counts as unknown.
                }
            }
        }
        return super.verify(hostname, port, key);
    }

    /**
     * The host key algorithms to prefer for a host: those of its known keys, so the droplet presents
     * a key we can check. An RSA entry stands for rsa-sha2-512/256: the entry's type is
     * {@code ssh-rsa}, but preferring the SHA-1 signature of that name makes sshj skip RSA against
     * a current sshd (which dropped it) and negotiate a key type known_hosts does not list. A CA
     * entry stands for every certificate type.
     */
    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        String pattern = adjusted(hostname, port);
        List<String> algorithms = new ArrayList<>();
        for (String line : lines) {
            String[] fields = fields(line);
            if (fields.length < 3 || !mayApply(line, pattern)) {
                continue;
            }
            if (fields[0].equals(CA_MARKER)) {
                for (KeyType candidate : KeyType.values()) {
                    if (candidate.getParent() != null) {
                        algorithms.add(candidate.toString());
                    }
                }
            } else if (fields[2].equals(SSH_RSA)) {
                algorithms.add("rsa-sha2-512");
                algorithms.add("rsa-sha2-256");
            } else {
                algorithms.add(fields[2]);
            }
        }
        return algorithms.stream().distinct().toList();
    }

    /** How sshj names a host in known_hosts terms, lower case. */
    private static String adjusted(String host, int port) {
        return HostKeys.hostPattern(host.toLowerCase(Locale.ROOT), port);
    }

    private static String[] fields(String line) {
        return KnownHostsFile.fields(line);
    }

    private static boolean mayApply(String line, String pattern) {
        String[] fields = fields(line);
        return fields.length >= 2 && KnownHostsFile.mayApply(fields[1], pattern);
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
                        + ": the " + peer.noun() + " presented " + presented + ". "
                        + peer.howToTrust(host, port, keyFileSuffix(key), file, HostKeys.knownHostsLine(hostPattern, key)));
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
                verdict + ", the " + peer.noun() + " presented " + type + " " + presentedFingerprint
                        + ". fleet refuses to talk to it, since it may be another machine. If the " + peer.noun()
                        + " was rebuilt, verify the new fingerprint out of band, then replace its line in known_hosts"
                        + " with: " + HostKeys.knownHostsLine(hostPattern, key));
        return false;
    }

    private List<KnownKey> knownKeys(String hostPattern) {
        List<KnownKey> keys = new ArrayList<>();
        for (String line : lines) {
            String[] fields = fields(line);
            if (fields.length > 3 && !fields[0].equals(CA_MARKER) && mayApply(line, hostPattern)) {
                try {
                    keys.add(new KnownKey(fields[2], HostKeys.fingerprint(Base64.getDecoder().decode(fields[3]))));
                } catch (IllegalArgumentException e) {
                    // Not base64: a line OpenSSH skips too.
                }
            }
        }
        return keys;
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
