package dev.fleet.apply;

import dev.fleet.desired.ProbeSpec;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code rollout.probe.max-failures}: whether the probe has seen more failures than the state allows. */
public final class ProbeLimit {

    private ProbeLimit() {}

    /** Why the rollout must stop, once the failures are over the limit; empty without one or within it. */
    public static Optional<String> exceeded(ProbeSpec spec, ProbeFigures figures) {
        if (spec.maxFailures().isEmpty() || figures.failed() <= spec.maxFailures().getAsInt()) {
            return Optional.empty();
        }
        return Optional.of("the probe at " + figures.url() + " failed " + figures.failed()
                + (figures.failed() == 1 ? " time" : " times") + " (max-failures "
                + spec.maxFailures().getAsInt() + "): " + byKind(figures));
    }

    /** The failures by kind, such as {@code status_5xx 4, timeout 3}. */
    public static String byKind(ProbeFigures figures) {
        return figures.failuresInOrder().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
