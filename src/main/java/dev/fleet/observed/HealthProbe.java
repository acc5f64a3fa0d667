package dev.fleet.observed;

import java.util.List;
import java.util.Optional;

/**
 * The app's health as seen from its droplet: the health endpoint, then each content check.
 *
 * @param status   the health endpoint's HTTP status, or empty when it did not answer
 * @param failures what failed, one line each (empty when healthy)
 */
public record HealthProbe(Optional<Integer> status, List<String> failures) {

    public HealthProbe {
        failures = List.copyOf(failures);
    }

    public boolean healthy() {
        return failures.isEmpty();
    }
}
