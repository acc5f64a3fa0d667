package dev.fleet.desired.load;

import dev.fleet.desired.Secret;
import dev.fleet.desired.SshIdentity;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The identity file's passphrase, from fleet's environment and never from the state:
 * {@value #VARIABLE}, or the file {@value #FILE_VARIABLE} names, which only its owner may open (as
 * the key itself). Read whether or not the key is encrypted: only opening the key tells, which the
 * SSH edge does, and it is the one to say that a passphrase is missing or wrong.
 */
final class KeyPassphrase {

    static final String VARIABLE = "FLEET_SSH_PASSPHRASE";
    static final String FILE_VARIABLE = "FLEET_SSH_PASSPHRASE_FILE";

    private KeyPassphrase() {}

    /**
     * The passphrase, when fleet's environment gives one. Problems are recorded at {@code identityFile},
     * the key the passphrase opens; never with the passphrase in them.
     */
    static Optional<SshIdentity.Passphrase> read(Field identityFile, Map<String, String> env) {
        return read(identityFile::problem, env, VARIABLE, FILE_VARIABLE);
    }

    /**
     * The passphrase from {@code variable}, or the file {@code fileVariable} names, when fleet's
     * environment gives one. Problems go to {@code problem} as a message and a hint (or null).
     */
    static Optional<SshIdentity.Passphrase> read(BiConsumer<String, String> problem, Map<String, String> env,
            String variable, String fileVariable) {
        String value = env.get(variable);
        String file = env.get(fileVariable);
        if (value != null && file != null) {
            problem.accept("both " + variable + " and " + fileVariable + " are set in fleet's environment",
                    "unset one of them");
            return Optional.empty();
        }
        if (value != null) {
            if (value.isEmpty()) {
                problem.accept(variable + " is set in fleet's environment, but empty",
                        "unset it when the key has no passphrase");
                return Optional.empty();
            }
            return Optional.of(new SshIdentity.Passphrase(new Secret(value), "env " + variable));
        }
        return file == null ? Optional.empty() : fromFile(problem, file, fileVariable);
    }

    private static Optional<SshIdentity.Passphrase> fromFile(BiConsumer<String, String> problem, String name,
            String fileVariable) {
        String names = fileVariable + " names ";
        if (name.isBlank()) {
            problem.accept(fileVariable + " is set in fleet's environment, but empty",
                    "set it to the file that holds the key's passphrase, or unset it");
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(name).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            problem.accept(fileVariable + " is not a valid path: " + e.getReason(), null);
            return Optional.empty();
        }
        if (!Files.isRegularFile(path)) {
            problem.accept(names + path + ", which " + (Files.exists(path) ? "is not a file" : "does not exist"),
                    "write the key's passphrase in that file, readable by you only (chmod 600), or fix "
                            + fileVariable);
            return Optional.empty();
        }
        if (!OwnerOnly.check(problem, path, names + path + ", which",
                "fleet refuses a passphrase file that others can read, as it refuses such a key")) {
            return Optional.empty();
        }
        return Secrets.value(path, (message, hint) -> problem.accept(names + message, hint))
                .map(value -> new SshIdentity.Passphrase(new Secret(value), "file " + path));
    }
}
