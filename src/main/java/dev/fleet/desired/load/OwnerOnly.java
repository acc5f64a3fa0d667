package dev.fleet.desired.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Files that only their owner may open: private keys and passphrase files. OpenSSH refuses a key
 * that group or others can open at all ("UNPROTECTED PRIVATE KEY FILE"), because anyone who could
 * read it holds the droplets; fleet refuses the same files, for the same reason.
 */
final class OwnerOnly {

    private OwnerOnly() {}

    /**
     * The file's mode as {@code chmod} writes it ({@code 0644}) when group or others have any access
     * to it (mode &amp; 077 is not 0); empty when only the owner has, or the file system keeps no
     * POSIX modes (there is nothing to check then).
     */
    static Optional<String> exposedMode(Path file) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        }
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // OWNER_READ is first and OTHERS_EXECUTE last: the constants run from bit 8 down to bit 0.
            mode |= 1 << (8 - permission.ordinal());
        }
        return (mode & 0077) == 0 ? Optional.empty() : Optional.of(String.format("0%03o", mode));
    }

    /**
     * Records a problem at {@code field} when group or others can open {@code file}: "{@code subject}
     * is open to group or others (mode 0644); {@code why}", and the chmod that fixes it.
     *
     * @return whether only the owner can open it
     */
    static boolean check(Field field, Path file, String subject, String why) {
        return check(field::problem, file, subject, why);
    }

    /** {@link #check(Field, Path, String, String)}, the problem given to {@code problem} as a message and a hint (or null). */
    static boolean check(BiConsumer<String, String> problem, Path file, String subject, String why) {
        Optional<String> exposed;
        try {
            exposed = exposedMode(file);
        } catch (IOException e) {
            problem.accept(subject + " cannot be read: " + e.getMessage(), null);
            return false;
        }
        exposed.ifPresent(mode -> problem.accept(subject + " is open to group or others (mode " + mode + "); " + why,
                "chmod 600 " + file));
        return exposed.isEmpty();
    }
}
