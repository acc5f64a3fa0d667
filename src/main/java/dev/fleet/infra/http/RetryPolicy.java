package dev.fleet.infra.http;

import java.time.Duration;
import java.util.Optional;

/**
 * How often, and after how long a pause, an API call that failed in a way that may pass by itself
 * (rate limited, a server error, a timeout) is made again: {@code attempts} in all, the pauses
 * doubling from {@code first} up to {@code cap}, unless the server said how long to wait (a 429's
 * {@code Retry-After} or rate-limit reset), which is honoured up to {@code longestServerWait}. Pure:
 * it says how long to pause; the caller's {@link Sleeper} pauses.
 *
 * @param attempts          calls in all, the first included; at least 1
 * @param first             the pause after the first failure
 * @param cap               the longest pause fleet chooses itself
 * @param longestServerWait the longest wait the server may ask for; past it the call fails at once,
 *                          saying until when the server asked to wait
 */
public record RetryPolicy(int attempts, Duration first, Duration cap, Duration longestServerWait) {

    /** Four calls, 1 s, 2 s, 4 s apart, or as long as the server asks up to a minute (a per-minute limit's window). */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(60));

    /** How the pause is spent: slept, in production; recorded, in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;

        Sleeper SLEEP = Thread::sleep;
    }

    public RetryPolicy {
        if (attempts < 1 || first.isNegative() || cap.compareTo(first) < 0 || longestServerWait.isNegative()) {
            throw new IllegalArgumentException("not a retry policy: " + attempts + " attempts, " + first + " to " + cap
                    + ", server waits up to " + longestServerWait);
        }
    }

    /**
     * The pause before the next call, after {@code failed} calls in a row have failed; empty when
     * there is no next call: the attempts are spent, or the server asked for a longer wait than
     * fleet gives.
     *
     * @param serverAsked how long the server asked to wait, if it said
     */
    public Optional<Duration> pauseAfter(int failed, Optional<Duration> serverAsked) {
        if (failed >= attempts) {
            return Optional.empty();
        }
        if (serverAsked.isPresent()) {
            Duration asked = serverAsked.get().isNegative() ? Duration.ZERO : serverAsked.get();
            return asked.compareTo(longestServerWait) > 0 ? Optional.empty() : Optional.of(asked);
        }
        Duration pause = first;
        for (int i = 1; i < failed && pause.compareTo(cap) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return Optional.of(pause.compareTo(cap) > 0 ? cap : pause);
    }

    /** Whether the server asked for a wait longer than this policy gives. */
    public boolean tooLong(Duration serverAsked) {
        return serverAsked.compareTo(longestServerWait) > 0;
    }
}
