package dev.fleet.desired;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The desired state could not be loaded: the file is missing, unreadable, not YAML, or says
 * something fleet refuses. Terminal: loading it again cannot succeed until the file changes, so
 * callers report it and never retry it.
 *
 * <p>It carries every problem found in the file, not only the first, in file order. Deliberately
 * not an {@code IOException}: a caller that retries I/O failures must not retry this one.
 */
public final class InvalidStateException extends Exception {

    private final Path file;
    private final List<StateProblem> problems;

    /** @param problems at least one, in any order; kept sorted by position */
    public InvalidStateException(Path file, List<StateProblem> problems) {
        super(render(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid state has at least one problem");
        }
        this.file = file;
        this.problems = problems.stream().sorted(StateProblem.BY_POSITION).toList();
    }

    /** The state file, as the caller named it. */
    public Path file() {
        return file;
    }

    /** Every problem, sorted by line and column. */
    public List<StateProblem> problems() {
        return problems;
    }

    private static String render(List<StateProblem> problems) {
        return problems.stream()
                .sorted(StateProblem.BY_POSITION)
                .map(StateProblem::render)
                .collect(Collectors.joining("\n"));
    }
}
