package dev.fleet.apply;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What an apply did to one droplet.
 *
 * @param droplet     the droplet
 * @param fromDigest  the digest it ran before, when known
 * @param toDigest    the digest the plan wanted
 * @param result      how it ended
 * @param steps       the steps performed, rollback included
 * @param cause       what went wrong, when something did ({@code report.FailureText} says it in words)
 */
public record DropletOutcome(
        String droplet,
        Optional<String> fromDigest,
        String toDigest,
        Result result,
        List<StepRecord> steps,
        Optional<DropletFailure> cause) {

    public DropletOutcome {
        steps = List.copyOf(steps);
    }

    public enum Result {
        /** Runs the new digest, healthy and in rotation. */
        CONVERGED,
        /** The new container failed; the previous image runs again, healthy and in rotation. */
        ROLLED_BACK,
        /** Draining failed before anything was replaced; the droplet is back in rotation, unchanged. */
        RESTORED,
        /** Left out of rotation: the new container failed and there was no way back, or the way back failed. */
        FAILED,
        /** Not touched: the rollout stopped before it. */
        SKIPPED;

        /**
         * The word people read and the history and JSON write: {@code converged}, {@code rolled-back},
         * {@code restored}, {@code failed}, {@code skipped}. One spelling everywhere, never the constant's name.
         */
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
