package dev.fleet.apply;

import dev.fleet.desired.ProbeSpec;
import java.time.Duration;
import java.util.Map;

/**
 * Asks the service's public URL at a constant rate while an apply rolls ({@code rollout.probe}):
 * the witness that clients kept being served. The requests go on in the background; the rollout
 * only reads the figures so far, between its steps.
 */
@FunctionalInterface
public interface TrafficProbe {

    /** Starts asking {@code spec}'s URL now. */
    Running start(ProbeSpec spec);

    /** A probe under way. */
    interface Running {

        /** The figures so far. */
        ProbeFigures figures();

        /** Stops sending (requests in flight are dropped, not counted) and returns the figures. */
        ProbeFigures stop();
    }

    /** Sends nothing: for tests and builds without an HTTP edge. */
    TrafficProbe NONE = spec -> new Running() {
        private final ProbeFigures none = new ProbeFigures(spec.url().toString(), 0, Map.of(), Duration.ZERO);

        @Override
        public ProbeFigures figures() {
            return none;
        }

        @Override
        public ProbeFigures stop() {
            return none;
        }
    };
}
