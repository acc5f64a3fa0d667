package dev.fleet.apply;

import dev.fleet.desired.Durations;
import dev.fleet.desired.HealthSpec;
import dev.fleet.observed.HealthProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The executor's waits: a condition polled until it holds or its deadline passes, the app's health
 * until it passes for long enough, and the balancer's settle times. None sleeps blindly: each
 * pauses through {@link Pause}, on the executor's clock.
 */
final class HealthWaits {

    /** Time between two polls of a waiting step. */
    static final Duration POLL = Duration.ofMillis(200);

    /** What a waiting step polls for. */
    interface Condition {
        boolean holds() throws ApplyException;
    }

    private final HealthSpec health;
    private final Duration minHealthy;
    private final Clock clock;
    private final Pause pause;

    /** @param minHealthy how long the app must keep passing its checks once it passed them enough times */
    HealthWaits(HealthSpec health, Duration minHealthy, Clock clock, Pause pause) {
        this.health = health;
        this.minHealthy = minHealthy;
        this.clock = clock;
        this.pause = pause;
    }

    void await(String what, Duration deadline, Condition condition) throws ApplyException, InterruptedException {
        Instant end = clock.instant().plus(deadline);
        while (!condition.holds()) {
            if (!clock.instant().isBefore(end)) {
                throw new ApplyException("waited " + Durations.setting(deadline) + " for " + what + ", in vain");
            }
            pause.pause(POLL);
        }
    }

    /**
     * Waits out the balancer's return time {@code settle}, counted from {@code healthyFrom}, probing
     * the app each health interval meanwhile: a failed probe restarts the count from the next passing
     * one, as it restarts the balancer's own count of healthy checks. Nothing to wait when it is zero.
     */
    void settleWhileHealthy(DropletSession session, Duration settle, Instant healthyFrom, Instant deadline)
            throws ApplyException, InterruptedException {
        if (settle.isZero()) {
            return;
        }
        Instant from = healthyFrom;
        Instant nextProbe = clock.instant().plus(health.interval());
        while (true) {
            Instant now = clock.instant();
            if (from != null && !now.isBefore(from.plus(settle))) {
                return;
            }
            if (!now.isBefore(deadline)) {
                throw new ApplyException("the app failed its checks again while the balancer was taking it back,"
                        + " and did not pass them for long enough before the deadline");
            }
            Instant wakeUp = from == null || nextProbe.isBefore(from.plus(settle)) ? nextProbe : from.plus(settle);
            if (now.isBefore(wakeUp)) {
                pause.pause(Duration.between(now, wakeUp));
                continue;
            }
            Instant asked = clock.instant();
            HealthProbe probe = session.probe(health);
            nextProbe = asked.plus(health.interval());
            if (!probe.healthy()) {
                from = null;
            } else if (from == null) {
                from = asked;
            }
        }
    }

    void settle(Duration duration) throws InterruptedException {
        settleUntil(clock.instant().plus(duration));
    }

    private void settleUntil(Instant end) throws InterruptedException {
        for (Instant now = clock.instant(); now.isBefore(end); now = clock.instant()) {
            Duration left = Duration.between(now, end);
            pause.pause(left.compareTo(POLL) < 0 ? left : POLL);
        }
    }

    /**
     * The app must pass its checks ({@code health}: the droplet's, or a colour's port) {@code
     * successes} times in a row, one interval apart, and then keep passing them for the minimum
     * healthy time; a failure starts the count again.
     *
     * @return when the run of successes that passed began
     */
    Instant awaitHealthy(DropletSession session, HealthSpec health, Duration deadline)
            throws ApplyException, InterruptedException {
        Instant end = clock.instant().plus(deadline);
        int successes = 0;
        Instant streakStart = null;
        Instant passedAt = null;
        HealthProbe last = null;
        while (true) {
            Instant asked = clock.instant();
            last = session.probe(health);
            Instant now = clock.instant();
            if (last.healthy()) {
                successes++;
                if (successes == 1) {
                    streakStart = asked;
                }
                if (successes == health.successes()) {
                    passedAt = now;
                }
                if (passedAt != null && !now.isBefore(passedAt.plus(minHealthy))) {
                    return streakStart;
                }
            } else {
                successes = 0;
                streakStart = null;
                passedAt = null;
            }
            if (!now.isBefore(end)) {
                throw new ApplyException("not healthy within " + Durations.setting(deadline) + ": "
                        + (last.healthy() ? "healthy, but not for long enough" : String.join("; ", last.failures())));
            }
            // Probes start an interval apart, however long each one took.
            Duration untilNext = Duration.between(clock.instant(), asked.plus(health.interval()));
            if (untilNext.isPositive()) {
                pause.pause(untilNext);
            }
        }
    }
}
