package dev.fleet.cli;

import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What fleet knows of the terminal it writes to. */
@Singleton
class Terminal {

    /**
     * Colour only when stdout is a terminal, {@code NO_COLOR} is unset and {@code TERM} is not dumb:
     * escape codes in a file, a pipe or a CI log are noise.
     */
    boolean colourOnStdout() {
        String term = System.getenv("TERM");
        return System.getenv("NO_COLOR") == null && !"dumb".equals(term) && isTerminal(1);
    }

    /** Whether {@code /dev/stdin} and friends are terminals (Linux: the descriptor links to a tty). */
    static boolean isTerminal(int descriptor) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + descriptor)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
