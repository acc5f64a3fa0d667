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
     * @param result   how the droplet's turn ended
     * @param failure  why, when known
     * @param reverted whether the droplets this apply had already moved were taken back for it
     *                 (rollout.on-failure: revert), each as its outcome says
     */
    record RolloutStopped(String droplet, DropletOutcome.Result result, Optional<DropletFailure> failure,
            boolean reverted) implements ApplyFailure {

        /** A stop that left the droplets already moved where they are. */
        public RolloutStopped(String droplet, DropletOutcome.Result result, Optional<DropletFailure> failure) {
            this(droplet, result, failure, false);
        }
    }

    /**
     * The first wave, the canary, failed its soak: it was taken back (each as its outcome says), and
     * no other droplet was touched.
     *
     * @param droplets the canaries
     * @param reason   why the soak failed
     * @param counted  what the balancer counted over the soak, in words
     */
    record CanaryFailed(List<String> droplets, String reason, String counted) implements ApplyFailure {

        public CanaryFailed {
            droplets = List.copyOf(droplets);
        }
    }

    /**
     * A deploy hook failed: a pre-deploy one before anything was drained, a post-deploy one after
     * every droplet converged.
     *
     * @param hook     how it went
     * @param reverted whether the droplets this apply moved were rolled back for it (a post-deploy
     *                 hook with rollback-on-failure), each as its outcome says
     */
    record HookFailed(HookOutcome hook, boolean reverted) implements ApplyFailure {}
}
