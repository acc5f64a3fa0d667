package dev.fleet.apply;

import java.util.List;
import java.util.Optional;

/** Why an apply stopped, as a value: {@code report.FailureText} says it in words. */
public sealed interface ApplyFailure {

    /**
     * A droplet that could not be reached, or could not get its image, before anything was drained.
     *
     * @param droplet the droplet
     * @param reason  what went wrong there
     */
    record DropletProblem(String droplet, String reason) {}

    /** Some droplet could not be reached or lacks its image: nothing was drained. */
    record PreflightFailed(List<DropletProblem> problems) implements ApplyFailure {

        public PreflightFailed {
            problems = List.copyOf(problems);
        }
    }

    /**
     * A droplet did not converge, so the droplets after it were not touched.
     *
     * @param result  how the droplet's turn ended
     * @param failure why, when known
     */
    record RolloutStopped(String droplet, DropletOutcome.Result result, Optional<DropletFailure> failure)
            implements ApplyFailure {}
}
