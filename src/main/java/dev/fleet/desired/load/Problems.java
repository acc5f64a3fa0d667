package dev.fleet.desired.load;

import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.StateProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;

/**
 * Collects the problems of one state file while it is read, so that one run reports all of them.
 * Not thread-safe: one instance per load.
 */
final class Problems {

    private final Path file;
    private final List<StateProblem> found = new ArrayList<>();

    Problems(Path file) {
        this.file = file;
    }

    /**
     * A problem no line of the file can show, because there is no text to point into: it is missing,
     * a directory, unreadable, or its git repository is. A problem with the text, even with all of
     * it, goes {@link #at} a position.
     */
    void wholeFile(String message, String hint) {
        found.add(new StateProblem(file, 0, 0, message, Optional.ofNullable(hint)));
    }

    /** A problem at 1-based {@code line} and {@code column}. */
    void at(int line, int column, String message, String hint) {
        found.add(new StateProblem(file, line, column, message, Optional.ofNullable(hint)));
    }

    /** A problem at a snakeyaml mark, which counts from 0. */
    void at(Mark mark, String message, String hint) {
        at(mark.getLine() + 1, mark.getColumn() + 1, message, hint);
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    void throwIfAny() throws InvalidStateException {
        if (!found.isEmpty()) {
            throw toException();
        }
    }

    /** The most problems reported for one file: past that, the file is hardly a state file at all. */
    static final int MAX_REPORTED = 50;

    /**
     * The problems so far as the exception; there must be at least one. Past {@value #MAX_REPORTED},
     * the first ones by position are kept and one more says how many were left out: a file of
     * thousands of unknown keys gets a page, not megabytes.
     */
    InvalidStateException toException() {
        if (found.size() <= MAX_REPORTED) {
            return new InvalidStateException(file, found);
        }
        List<StateProblem> sorted = found.stream().sorted(StateProblem.BY_POSITION).toList();
        List<StateProblem> kept = new ArrayList<>(sorted.subList(0, MAX_REPORTED));
        StateProblem next = sorted.get(MAX_REPORTED);
        kept.add(new StateProblem(file, next.line(), next.column(), "and " + (sorted.size() - MAX_REPORTED)
                + " more problems from here on, not listed", Optional.of("fix the ones above first; is this the"
                        + " right file?")));
        return new InvalidStateException(file, kept);
    }
}
