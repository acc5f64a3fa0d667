package dev.fleet.wiring;

import dev.fleet.desired.Durations;
import dev.fleet.rollout.Convergence;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The apply lock's lease length, the operator's to set ({@value #VARIABLE}), not the state's: a
 * shorter lease lets the next apply take over sooner from a crashed or cut-off one, and stops a
 * cut-off holder sooner (a quarter of it); a longer one tolerates slower droplets.
 */
final class LockLease {

    static final String VARIABLE = "FLEET_LOCK_LEASE";
    static final Duration SHORTEST = Duration.ofSeconds(8);
    static final Duration LONGEST = Duration.ofHours(1);

    private LockLease() {}

    /** @throws IllegalArgumentException naming the variable when it is set to something else than a duration in range */
    static Duration from(Map<String, String> environment) {
        String text = environment.get(VARIABLE);
        if (text == null || text.isBlank()) {
            return Convergence.LEASE;
        }
        Optional<Duration> lease = Durations.read(text.strip());
        if (lease.isEmpty() || lease.get().compareTo(SHORTEST) < 0 || lease.get().compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException(VARIABLE + " must be a duration from 8s to 1h (for example 2m, the"
                    + " default), not '" + text.strip() + "'");
        }
        return lease.get();
    }
}
