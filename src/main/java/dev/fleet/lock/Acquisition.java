package dev.fleet.lock;

import java.time.Instant;
import java.util.Optional;

/** What asking for the lease gave. */
public sealed interface Acquisition {

    /** Ours; {@code expired} is a lapsed lease it replaced (a crashed holder), if there was one. */
    record Acquired(Lease lease, Optional<Lease> expired) implements Acquisition {}

    /** Someone else's, still valid at {@code now} (the lock droplet's clock). */
    record Held(Lease holder, Instant now) implements Acquisition {}
}
