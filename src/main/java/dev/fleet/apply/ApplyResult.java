package dev.fleet.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an apply did.
 *
 * @param started   when it started
 * @param took      how long it took
 * @param preflight the preflight steps (pulls and image checks)
 * @param droplets  each planned droplet, in plan order
 * @param cause     why the rollout stopped, when it did ({@code report.FailureText} says it in words)
 * @param hooks     the deploy hooks it ran or found already run, in order
 * @param probe     what {@code rollout.probe} saw while the droplets rolled, when the state has one
 *                  and the rollout reached the droplets' turns
 */
public record ApplyResult(
        Instant started, Duration took, List<StepRecord> preflight, List<DropletOutcome> droplets,
        Optional<ApplyFailure> cause, List<HookOutcome> hooks, Optional<ProbeFigures> probe) {

    public ApplyResult {
        preflight = List.copyOf(preflight);
        droplets = List.copyOf(droplets);
        hooks = List.copyOf(hooks);
    }

    /** An apply without a probe. */
    public ApplyResult(Instant started, Duration took, List<StepRecord> preflight, List<DropletOutcome> droplets,
            Optional<ApplyFailure> cause, List<HookOutcome> hooks) {
        this(started, took, preflight, droplets, cause, hooks, Optional.empty());
    }

    /** An apply without deploy hooks. */
    public ApplyResult(Instant started, Duration took, List<StepRecord> preflight, List<DropletOutcome> droplets,
            Optional<ApplyFailure> cause) {
        this(started, took, preflight, droplets, cause, List.of());
    }

    public boolean succeeded() {
        return cause.isEmpty();
    }
}
