package dev.fleet.cli;

import jakarta.inject.Singleton;
import java.io.Console;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What fleet knows of the terminal it writes to, and what the environment says about colour. */
@Singleton
class Terminal {

    private static final Path LINUX_DESCRIPTORS = Path.of("/proc/self/fd");

    private final Map<String, String> environment;

    Terminal() {
        this(System.getenv());
    }

    /** @param environment the variables to read {@code NO_COLOR}, {@code FORCE_COLOR} and {@code TERM} from */
    Terminal(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Whether tables on stdout are coloured: {@link #colour} for stdout as it is. */
    boolean colourOnStdout() {
        return colour(isTerminal(1));
    }

    /**
     * Colour when {@code FORCE_COLOR} is set (not empty, {@code 0} or {@code false}), else when
     * stdout is a terminal whose {@code TERM} is not {@code dumb}: escape codes in a file, a pipe or
     * a CI log are noise unless asked for. {@code NO_COLOR} (set and not empty) wins over both, as
     * no-color.org asks.
     */
    boolean colour(boolean stdoutIsTerminal) {
        if (set("NO_COLOR")) {
            return false;
        }
        if (set("FORCE_COLOR")) {
            String force = environment.get("FORCE_COLOR").strip();
            return !force.equals("0") && !force.equalsIgnoreCase("false");
        }
        return stdoutIsTerminal && !"dumb".equals(environment.get("TERM"));
    }

    private boolean set(String variable) {
        String value = environment.get(variable);
        return value != null && !value.isEmpty();
    }

    /** Whether file descriptor {@code descriptor} (0 stdin, 1 stdout, 2 stderr) is a terminal. */
    static boolean isTerminal(int descriptor) {
        return isTerminal(descriptor, LINUX_DESCRIPTORS, System.console());
    }

    /**
     * On Linux, where the descriptor links to a tty or pts device under {@code descriptors}. Elsewhere
     * (macOS has no {@code /proc}), the JDK's own answer, which is about stdin and stdout together:
     * {@code Console.isTerminal()} from Java 22, a console at all on Java 21.
     */
    static boolean isTerminal(int descriptor, Path descriptors, Console console) {
        if (Files.isDirectory(descriptors)) {
            try {
                String target = Files.readSymbolicLink(descriptors.resolve(Integer.toString(descriptor))).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 21 gives a console only to a process on a terminal
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }
}
