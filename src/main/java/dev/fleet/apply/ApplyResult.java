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
 * @param failure   why the rollout stopped, when it did
 */
public record ApplyResult(
        Instant started, Duration took, List<StepRecord> preflight, List<DropletOutcome> droplets,
        Optional<String> failure) {

    public ApplyResult {
        preflight = List.copyOf(preflight);
        droplets = List.copyOf(droplets);
    }

    public boolean succeeded() {
        return failure.isEmpty();
    }
}
