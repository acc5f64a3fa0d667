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
 */
public record ApplyResult(
        Instant started, Duration took, List<StepRecord> preflight, List<DropletOutcome> droplets,
        Optional<ApplyFailure> cause) {

    public ApplyResult {
        preflight = List.copyOf(preflight);
        droplets = List.copyOf(droplets);
    }

    public boolean succeeded() {
        return cause.isEmpty();
    }
}
