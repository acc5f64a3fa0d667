package dev.fleet.rollout.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What asking for the lease gave. */
public sealed interface Acquisition {

    /**
     * Ours.
     *
     * @param expired  a lapsed lease it replaced (a crashed holder), if there was one
     * @param quietFor how long ago another apply last gave the lease back (or it was broken): what
     *                 fleet saw of the droplets since then is still true, no apply having run
     */
    record Acquired(Lease lease, Optional<Lease> expired, Optional<Duration> quietFor) implements Acquisition {

        /** Whether an observation that began {@code observedAgo} ago saw no other apply at work. */
        public boolean observationStillValid(Duration observedAgo) {
            return expired.isEmpty() && quietFor.isPresent()
                    && quietFor.get().compareTo(observedAgo.plusSeconds(1)) > 0;
        }
    }

    /** Someone else's, still valid at {@code now} (the lock droplet's clock). */
    record Held(Lease holder, Instant now) implements Acquisition {}
}
