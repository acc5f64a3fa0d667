package dev.fleet.desired.load;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What sections need besides their own YAML while one state file is read.
 *
 * @param stateDir the state file's folder (absolute): relative paths in the file start there
 * @param env      fleet's environment, for {@code secret-from-env} and {@code ~}
 * @param problems where problems go
 * @param offline  whether this is a check without the machine that runs fleet ({@code fleet
 *                 validate}, in CI): nothing is read from fleet's environment but {@code HOME}, and
 *                 no file the state names is opened; sections stand in {@link #UNRESOLVED} for
 *                 what they would have read, and still check everything the file itself says
 */
record LoadContext(Path stateDir, Map<String, String> env, Problems problems, boolean offline) {

    /** What an offline check puts where a secret's value would be: never used, since that state is never acted on. */
    static final String UNRESOLVED = "(not read: offline check)";

    LoadContext(Path stateDir, Map<String, String> env, Problems problems) {
        this(stateDir, env, problems, false);
    }

    /**
     * The absolute path {@code text} names: {@code ~/x} in the home folder ({@code HOME} from the
     * environment, else Java's {@code user.home}), a relative one from the state file's folder.
     */
    Optional<Path> resolve(Field field, String text) {
        if (text.isBlank()) {
            field.problem("is empty; expected a path");
            return Optional.empty();
        }
        if (text.startsWith("~") && !text.equals("~") && !text.startsWith("~/")) {
            field.problem(Text.quote(text) + ": only ~/ (your own home folder) is expanded", "write the full path");
            return Optional.empty();
        }
        try {
            Path path = text.equals("~") || text.startsWith("~/")
                    ? home().resolve(text.substring(1).replaceFirst("^/", ""))
                    : stateDir.resolve(text);
            return Optional.of(path.toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            field.problem(Text.quote(text) + " is not a valid path: " + e.getReason());
            return Optional.empty();
        }
    }

    /** Where whoever runs fleet keeps the files a state may read secrets from. */
    static final String SECRETS_DIR_VARIABLE = "FLEET_SECRETS_DIR";

    /**
     * The folder secret files must be in: {@code FLEET_SECRETS_DIR} from fleet's environment, set by
     * whoever runs fleet, else the state file's folder. Empty, with a problem on {@code field}, when
     * the variable is not an absolute path.
     */
    Optional<Path> secretsFolder(Field field) {
        String text = env.getOrDefault(SECRETS_DIR_VARIABLE, "").strip();
        if (text.isEmpty()) {
            return Optional.of(stateDir);
        }
        try {
            Path folder = Path.of(text);
            if (folder.isAbsolute()) {
                return Optional.of(folder.normalize());
            }
        } catch (InvalidPathException e) {
            // Said below.
        }
        field.problem(SECRETS_DIR_VARIABLE + " in fleet's environment (" + Text.quote(text) + ") is not an absolute"
                + " path", "set it to the absolute path of the folder that holds the secret files");
        return Optional.empty();
    }

    private Path home() {
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }
}
