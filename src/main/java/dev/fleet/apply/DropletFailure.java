package dev.fleet.apply;

import java.util.Optional;

/**
 * Why a droplet's turn did not converge, as a value: {@code report.FailureText} says it in words.
 * Every kind but {@link Stopped} starts from the step that failed.
 */
public sealed interface DropletFailure {

    /**
     * A step that failed.
     *
     * @param step   the step in words
     * @param reason why it failed
     */
    record StepFailed(String step, String reason) {

        static StepFailed of(StepRecord record) {
            return new StepFailed(record.description(), record.failure().orElseThrow());
        }
    }

    /**
     * The guard stopped the apply before {@code nextStep} (its lock was lost, say); the droplet's
     * intent stays on it for the next apply.
     *
     * @param after the failure whose rollback was under way, if one was
     */
    record Stopped(String nextStep, Optional<StepFailed> after, String reason) implements DropletFailure {}

    /** A blue-green step after the new colour was verified failed: only tidying up was left. */
    record TidyUpFailed(StepFailed failed) implements DropletFailure {}

    /** A step before anything was replaced failed; the droplet is back in rotation, unchanged. */
    record Restored(StepFailed failed) implements DropletFailure {}

    /** A step before anything was replaced failed, and putting the droplet back in rotation failed too. */
    record RestoreFailed(StepFailed failed, String reason) implements DropletFailure {}

    /**
     * A step failed, and then a step of the rollback.
     *
     * @param blueGreen whether the droplet is a blue-green one (left as that step found it), rather
     *                  than left out of rotation
     */
    record RollbackFailed(StepFailed failed, StepFailed rollback, boolean blueGreen) implements DropletFailure {}

    /**
     * A step failed and the rollback went back to what ran before: {@code previousDigest}, when known.
     *
     * @param beforeSwitch a blue-green droplet whose proxy had not been switched yet: nginx never stopped
     *                     sending requests to the old colour, and the new one was removed
     */
    record RolledBack(StepFailed failed, Optional<String> previousDigest, boolean beforeSwitch)
            implements DropletFailure {}

    /**
     * A step failed with nothing to roll back to (automatic rollback off, or no previous container).
     *
     * @param blueGreen whether nginx was left as the failure found it, rather than the droplet out of rotation
     */
    record NothingToRollBackTo(StepFailed failed, boolean blueGreen) implements DropletFailure {}
}
