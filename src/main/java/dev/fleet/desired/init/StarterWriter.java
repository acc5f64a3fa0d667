package dev.fleet.desired.init;

import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * Writes the files of {@code fleet init} into a state folder: each one whole or not at all (written
 * beside, then renamed over), and never over an existing one unless asked to.
 *
 * <p>Contract: {@link #write} writes nothing when a file is already there (without {@code force}) or
 * when the state would not pass {@code fleet validate}; known_hosts goes first, so that a state file
 * never names a known_hosts that is missing because of this writer.
 */
public final class StarterWriter {

    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private StarterWriter() {}

    /** Why nothing was written; the message says what to do. */
    public static final class Refused extends Exception {

        public Refused(String message) {
            super(message);
        }
    }

    /** The files of {@code dir} that {@link #write} would replace. */
    public static List<Path> existing(Path dir) {
        return List.of(dir.resolve(StarterFiles.STATE), dir.resolve(StarterFiles.KNOWN_HOSTS)).stream()
                .filter(Files::exists).toList();
    }

    /**
     * Writes {@code fleet.yaml} and {@code known_hosts} into {@code dir} (created if missing).
     *
     * @return the files written
     * @throws Refused when a file is already there and {@code force} is false, or the state is invalid
     */
    public static List<Path> write(Path dir, String fleetYaml, String knownHosts, boolean force)
            throws Refused, IOException {
        List<Path> existing = existing(dir);
        if (!existing.isEmpty() && !force) {
            throw new Refused(existing.stream().map(Path::toString).reduce((a, b) -> a + " and " + b).orElseThrow()
                    + (existing.size() == 1 ? " exists" : " exist") + "; nothing written (--force replaces them)");
        }
        Files.createDirectories(dir);
        Path state = Files.createTempFile(dir, ".fleet-init-", ".yaml.tmp");
        Path hosts = Files.createTempFile(dir, ".fleet-init-", ".known_hosts.tmp");
        try {
            // Temporary files are the owner's only; these two are meant for git and every reader.
            Files.setPosixFilePermissions(Files.writeString(state, fleetYaml), READABLE);
            Files.setPosixFilePermissions(Files.writeString(hosts, knownHosts), READABLE);
            try {
                StateLoader.offline(Map.of()).check(state);
            } catch (InvalidStateException e) {
                throw new Refused("the state fleet init made does not validate, nothing written:\n" + e.getMessage());
            }
            Path knownHostsFile = dir.resolve(StarterFiles.KNOWN_HOSTS);
            Path stateFile = dir.resolve(StarterFiles.STATE);
            move(hosts, knownHostsFile);
            move(state, stateFile);
            return List.of(stateFile, knownHostsFile);
        } finally {
            Files.deleteIfExists(state);
            Files.deleteIfExists(hosts);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
