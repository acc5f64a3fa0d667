package dev.fleet.desired;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/**
 * One thing wrong with a state file, at a place in it.
 *
 * @param file    the state file, as the caller named it
 * @param line    1-based, or 0 when there is no text to point into (the file is missing, a
 *                directory, unreadable)
 * @param column  1-based, or 0 with line 0
 * @param message what is wrong, starting with the key path it concerns (for example {@code
 *                droplets[2].port: ...}); never a secret's value
 * @param hint    how to fix it, when there is more to say than the message
 */
public record StateProblem(Path file, int line, int column, String message, Optional<String> hint) {

    /** File order: by line, then column; problems about the whole file first. */
    public static final Comparator<StateProblem> BY_POSITION =
            Comparator.comparingInt(StateProblem::line).thenComparingInt(StateProblem::column);

    /**
     * The problem as a compiler prints one: {@code file:line:column: message}, then an indented
     * {@code hint:} line when there is a hint.
     */
    public String render() {
        String where = line > 0 ? file + ":" + line + ":" + column : file.toString();
        return where + ": " + message + hint.map(h -> "\n  hint: " + h).orElse("");
    }

    @Override
    public String toString() {
        return render();
    }
}
