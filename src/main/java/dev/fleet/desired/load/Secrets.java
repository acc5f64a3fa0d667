package dev.fleet.desired.load;

import dev.fleet.desired.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Resolves secrets when the state is loaded, from fleet's environment or from a file, so that a
 * state that cannot get its secrets fails before anything connects. Messages name the variable or
 * the file, never a value.
 *
 * <p>Whoever can push the state is not thereby whoever runs fleet: a state may name only variables
 * made for it ({@value #VARIABLE_PREFIX}...), never fleet's own ({@code FLEET_GIT_TOKEN}) or the
 * machine's, and only files inside the secrets folder ({@code FLEET_SECRETS_DIR}, else the state
 * file's folder), never {@code ~/.ssh} or {@code /etc}, not even through a symbolic link. Anything
 * a state can name, a pusher can send to a container of an image they choose, so the boundary is
 * drawn around what a state can name.
 */
final class Secrets {

    static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** The only variables a state may read: those whoever runs fleet made for it. */
    static final String VARIABLE_PREFIX = "FLEET_SECRET_";
    private static final int MAX_FILE_BYTES = 64 * 1024;

    private Secrets() {}

    /** A secret and where it came from ({@code env NAME}, {@code file /abs/path}). */
    record Resolved(Secret secret, String source) {}

    static Optional<Resolved> fromEnv(Field field, LoadContext context) {
        return field.text().flatMap(name -> {
            if (!VARIABLE.matcher(name).matches()) {
                // Not quoted back: a value pasted here by mistake may be the secret itself.
                field.problem("expected the name of an environment variable (letters, digits and _)",
                        "the value is read from fleet's environment when the state is loaded; it never goes in git");
                return Optional.empty();
            }
            if (!name.startsWith(VARIABLE_PREFIX) || name.length() == VARIABLE_PREFIX.length()) {
                field.problem(name + " is not a variable a state may read: only names that start with "
                        + VARIABLE_PREFIX, "export the secret as " + VARIABLE_PREFIX
                        + (name.startsWith(VARIABLE_PREFIX) ? "NAME" : name.replaceFirst("^FLEET_", ""))
                        + " and name that here; fleet's own variables and the machine's are not the state's to"
                        + " read, since whoever can push the state could send them anywhere");
                return Optional.empty();
            }
            if (context.offline()) {
                return Optional.of(new Resolved(new Secret(LoadContext.UNRESOLVED), "env " + name));
            }
            String value = context.env().get(name);
            if (value == null) {
                field.problem(name + " is not set in fleet's environment",
                        "export " + name + " before running fleet");
                return Optional.empty();
            }
            if (value.isEmpty()) {
                field.problem(name + " is set in fleet's environment, but empty");
                return Optional.empty();
            }
            return Optional.of(new Resolved(new Secret(value), "env " + name));
        });
    }

    /**
     * The content of a file, UTF-8, without one trailing line break (editors add one). The file is
     * meant to live outside git, or be ignored by it.
     */
    static Optional<Resolved> fromFile(Field field, LoadContext context) {
        if (context.offline()) {
            // The secrets folder is fleet's environment's to say, and the file is not there in CI.
            return field.text().flatMap(text -> context.resolve(field, text))
                    .map(path -> new Resolved(new Secret(LoadContext.UNRESOLVED), "file " + path));
        }
        return field.text().flatMap(text -> context.resolve(field, text))
                .flatMap(path -> insideSecretsFolder(path, field, context))
                .flatMap(path -> read(path, field, context));
    }

    /** {@code path} as it really is, if it is inside the secrets folder once every link is followed. */
    private static Optional<Path> insideSecretsFolder(Path path, Field field, LoadContext context) {
        Optional<Path> folder = context.secretsFolder(field);
        if (folder.isEmpty()) {
            return Optional.empty();
        }
        String hint = "secret files live in " + folder.get() + " (" + LoadContext.SECRETS_DIR_VARIABLE
                + " in fleet's environment, else the state file's folder)";
        if (!path.startsWith(folder.get())) {
            field.problem(path + " is outside the secrets folder", hint);
            return Optional.empty();
        }
        if (!Files.exists(path)) {
            return Optional.of(path); // said by read(), with its hint
        }
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(folder.get().toRealPath())) {
                field.problem(path + " leads outside the secrets folder through a symbolic link", hint);
                return Optional.empty();
            }
            return Optional.of(real);
        } catch (IOException e) {
            field.problem(path + " cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<Resolved> read(Path path, Field field, LoadContext context) {
        if (!Files.isRegularFile(path)) {
            field.problem(path + (Files.exists(path) ? " is not a file" : " does not exist"),
                    "create it with the secret as its content (keep it out of git), or fix the path;"
                            + " relative paths start from the state file's folder, " + context.stateDir());
            return Optional.empty();
        }
        return value(path, field::problem).map(value -> new Resolved(new Secret(value), "file " + path));
    }

    /**
     * The content of the regular file {@code path} as one secret value: UTF-8, at most 64 KiB, not
     * empty, without one trailing line break (editors add one). Problems go to {@code problem} as a
     * message starting with the path, and a hint or null.
     */
    static Optional<String> value(Path path, BiConsumer<String, String> problem) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (AccessDeniedException e) {
            problem.accept(path + " cannot be read: permission denied", "make it readable by the user that runs fleet");
            return Optional.empty();
        } catch (IOException e) {
            problem.accept(path + " cannot be read: " + e.getMessage(), null);
            return Optional.empty();
        }
        if (bytes.length > MAX_FILE_BYTES) {
            problem.accept(path + " is larger than 64 KiB; a secret file holds one short value", null);
            return Optional.empty();
        }
        String value;
        try {
            value = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            problem.accept(path + " is not UTF-8 text", null);
            return Optional.empty();
        }
        value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
        if (value.isEmpty()) {
            problem.accept(path + " is empty", null);
            return Optional.empty();
        }
        return Optional.of(value);
    }
}
