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
     * How taking back the droplets an apply moved went: a revert can itself fail on a droplet, or be
     * cut short when the apply must stop, and the report must not say the fleet is on one version then.
     *
     * @param notBack the droplets it was to take back that are not on what they ran before, each as
     *                its outcome says; empty when every one went back
     */
    record Revert(List<String> notBack) {

        public Revert {
            notBack = List.copyOf(notBack);
        }

        public boolean complete() {
            return notBack.isEmpty();
        }
    }

    /**
     * A droplet did not converge, so the droplets after it were not touched.
     *
     * @param result  how the droplet's turn ended
     * @param failure why, when known
     * @param revert  how the droplets this apply had already moved were taken back for it
     *                (rollout.on-failure: revert), when they were
     */
    record RolloutStopped(String droplet, DropletOutcome.Result result, Optional<DropletFailure> failure,
            Optional<Revert> revert) implements ApplyFailure {

        /** A stop that left the droplets already moved where they are. */
        public RolloutStopped(String droplet, DropletOutcome.Result result, Optional<DropletFailure> failure) {
            this(droplet, result, failure, Optional.empty());
        }
    }

    /**
     * The first wave, the canary, failed its soak: it was taken back (each as its outcome says), and
     * no other droplet was touched.
     *
     * @param droplets the canaries
     * @param reason   why the soak failed
     * @param counted  what the balancer counted over the soak, in words
     * @param revert   how the canaries were taken back
     */
    record CanaryFailed(List<String> droplets, String reason, String counted, Revert revert) implements ApplyFailure {

        public CanaryFailed {
            droplets = List.copyOf(droplets);
        }
    }

    /**
     * A deploy hook failed: a pre-deploy one before anything was drained, a post-deploy one after
     * every droplet converged.
     *
     * @param hook     how it went
     * @param revert how the droplets this apply moved were rolled back for it, when they were (a
     *               post-deploy hook with rollback-on-failure)
     */
    record HookFailed(HookOutcome hook, Optional<Revert> revert) implements ApplyFailure {}
}
