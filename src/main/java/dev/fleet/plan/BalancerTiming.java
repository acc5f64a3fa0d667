package dev.fleet.plan;

import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.RolloutPolicy;
import java.time.Duration;

/**
 * The waits and deadlines that follow from the balancer's settings and the rollout policy.
 *
 * <p>A health-check balancer cannot be asked, so fleet waits out its detection time, the seed's
 * {@code (unhealthy+1) x interval} after the app's health is seen failing and {@code (healthy+1) x
 * interval} after it is first seen passing (fleet's own checks of the new container run meanwhile):
 * each wait starts from an observed event. HAProxy is asked, so there is nothing to wait out; its
 * estimates are what a drain and a return usually take. Each kind of balancer picks its timing
 * ({@link BalancerRules#timing}).
 *
 * @param settleAfterDrained    waited after the droplet is seen out of rotation
 * @param settleAfterInRotation waited after the droplet is seen back
 * @param drainDeadline         how long the balancer may take to drop the droplet
 * @param inRotationDeadline    how long it may take to have it back, once the app is healthy
 * @param perDroplet            the expected duration of one droplet's swap
 */
public record BalancerTiming(
        Duration settleAfterDrained,
        Duration settleAfterInRotation,
        Duration drainDeadline,
        Duration inRotationDeadline,
        Duration perDroplet) {

    /** Stopping, removing, creating and starting a container, as measured on the lab's droplets. */
    static final Duration SWAP = Duration.ofSeconds(2);
    /** How long a balancer that is asked (HAProxy) usually takes to see sessions end and a healthy server come back. */
    public static final Duration ASKED_DRAIN = Duration.ofMillis(500);
    public static final Duration ASKED_BACK = Duration.ofMillis(500);
    /** Sessions still open after this long are long polls or downloads the drain will not wait out. */
    static final Duration DRAIN_DEADLINE = Duration.ofSeconds(30);

    /**
     * A balancer that checks the droplets itself and cannot be asked: out of rotation {@code
     * (unhealthy+1) x interval} after the app's health is seen failing, back {@code (healthy+1) x
     * interval} after it is first seen passing.
     */
    public static BalancerTiming healthChecked(Duration interval, int unhealthyThreshold, int healthyThreshold,
            HealthSpec health, RolloutPolicy rollout) {
        Duration out = interval.multipliedBy(unhealthyThreshold + 1L);
        Duration back = interval.multipliedBy(healthyThreshold + 1L);
        // The app's health must be seen failing within a few of our own probes of it.
        Duration failDeadline = health.interval().plus(health.timeout()).multipliedBy(5);
        Duration healthy = healthy(health, rollout);
        return new BalancerTiming(out, back, failDeadline.plus(out), back.plus(health.timeout().multipliedBy(5)),
                out.plus(SWAP).plus(healthy.compareTo(back) > 0 ? healthy : back));
    }

    /**
     * A balancer fleet asks (or none at all): nothing to wait out once it says so, but for {@code
     * settleAfterDrained} (a DNS TTL, say).
     *
     * @param drainAndReturn what draining and coming back usually take, for the estimate
     */
    public static BalancerTiming asked(Duration settleAfterDrained, Duration drainAndReturn, HealthSpec health,
            RolloutPolicy rollout) {
        return new BalancerTiming(settleAfterDrained, Duration.ZERO, DRAIN_DEADLINE,
                max(rollout.healthTimeout(), Duration.ofSeconds(30)),
                settleAfterDrained.plus(drainAndReturn).plus(SWAP).plus(healthy(health, rollout)));
    }

    /** Fleet's own wait for a new container: its successes after the first, then the minimum healthy time. */
    private static Duration healthy(HealthSpec health, RolloutPolicy rollout) {
        return health.interval().multipliedBy(health.successes() - 1L).plus(rollout.minHealthyTime());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
