package dev.fleet.rollout.watch;

import java.time.Duration;

/**
 * How long {@code fleet watch} waits before trying again after failures in a row: the interval
 * after the first, then twice as long each time, never more than the cap. Pure.
 *
 * @param first the wait after one failure
 * @param cap   the longest wait, however many failures
 */
public record Backoff(Duration first, Duration cap) {

    public Backoff {
        if (!first.isPositive() || cap.compareTo(first) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 < first <= cap, not " + first + " and " + cap);
        }
    }

    /** The watch's backoff for rounds {@code interval} apart: up to 16 intervals, or 5 minutes when that is less (never below one interval). */
    public static Backoff forInterval(Duration interval) {
        Duration cap = interval.multipliedBy(16);
        if (cap.compareTo(Duration.ofMinutes(5)) > 0) {
            cap = interval.compareTo(Duration.ofMinutes(5)) > 0 ? interval : Duration.ofMinutes(5);
        }
        return new Backoff(interval, cap);
    }

    /** The wait after {@code failures} failures in a row; none after none. */
    public Duration after(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        Duration wait = first;
        for (int i = 1; i < failures && wait.compareTo(cap) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(cap) < 0 ? wait : cap;
    }
}
