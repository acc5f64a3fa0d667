package dev.fleet.plan;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.RolloutPolicy;
import java.time.Duration;

/**
 * The waits and deadlines that follow from the balancer's settings and the rollout policy.
 *
 * <p>A health-check balancer cannot be asked, so fleet waits out its detection time, the seed's
 * {@code (unhealthy+1) x interval} after the app's health is seen failing and {@code (healthy+1) x
 * interval} after it is first seen passing (fleet's own checks of the new container run meanwhile):
 * each wait starts from an observed event. HAProxy is asked, so
 * there is nothing to wait out; its estimates are what a drain and a return usually take.
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
    /** How long HAProxy usually takes to see sessions end and a healthy server come back. */
    static final Duration HAPROXY_DRAIN = Duration.ofMillis(500);
    static final Duration HAPROXY_BACK = Duration.ofMillis(500);
    /** Sessions still open after this long are long polls or downloads the drain will not wait out. */
    static final Duration HAPROXY_DRAIN_DEADLINE = Duration.ofSeconds(30);

    public static BalancerTiming of(BalancerSpec balancer, HealthSpec health, RolloutPolicy rollout) {
        Duration healthy = health.interval().multipliedBy(health.successes() - 1L).plus(rollout.minHealthyTime());
        return switch (balancer) {
            case BalancerSpec.HealthCheck check -> {
                Duration out = check.interval().multipliedBy(check.unhealthyThreshold() + 1L);
                Duration back = check.interval().multipliedBy(check.healthyThreshold() + 1L);
                // The app's health must be seen failing within a few of our own probes of it.
                Duration failDeadline = health.interval().plus(health.timeout()).multipliedBy(5);
                yield new BalancerTiming(out, back, failDeadline.plus(out), back.plus(health.timeout().multipliedBy(5)),
                        out.plus(SWAP).plus(healthy.compareTo(back) > 0 ? healthy : back));
            }
            case BalancerSpec.Dns dns -> new BalancerTiming(dns.ttl(), Duration.ZERO, HAPROXY_DRAIN_DEADLINE,
                    max(rollout.healthTimeout(), Duration.ofSeconds(30)),
                    dns.ttl().plus(SWAP).plus(healthy).plus(HAPROXY_BACK));
            case BalancerSpec.None none -> new BalancerTiming(Duration.ZERO, Duration.ZERO, HAPROXY_DRAIN_DEADLINE,
                    max(rollout.healthTimeout(), Duration.ofSeconds(30)), SWAP.plus(healthy));
            case BalancerSpec.Haproxy haproxy -> new BalancerTiming(Duration.ZERO, Duration.ZERO,
                    HAPROXY_DRAIN_DEADLINE, max(rollout.healthTimeout(), Duration.ofSeconds(30)),
                    HAPROXY_DRAIN.plus(SWAP).plus(healthy).plus(HAPROXY_BACK));
        };
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
