package dev.fleet.infra.ssh;

import java.time.Duration;

/** Timeouts as the SSH library takes them. */
final class Timeouts {

    private Timeouts() {}

    /** Milliseconds for APIs that take an int, at least 1 so that a tiny timeout never means "forever". */
    static int millis(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
    }
}
