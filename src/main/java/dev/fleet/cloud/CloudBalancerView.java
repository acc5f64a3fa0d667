package dev.fleet.cloud;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A cloud load balancer as its API describes it.
 *
 * @param name     its name, for messages
 * @param status   its status in the cloud's words ("active", "new", "errored")
 * @param active   whether that status is the one in which it balances traffic
 * @param droplets the ids of the droplets it sends traffic to
 * @param checks   its health check's timing
 * @param unusable why fleet cannot take single droplets out of it and back, as the API documents
 *                 (a DigitalOcean balancer that selects its droplets by tag), if so
 */
public record CloudBalancerView(String name, String status, boolean active, Set<Long> droplets, HealthChecks checks,
        Optional<String> unusable) {

    public CloudBalancerView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        droplets = Set.copyOf(droplets);
        Objects.requireNonNull(checks, "checks");
        Objects.requireNonNull(unusable, "unusable");
    }

    public boolean lists(long droplet) {
        return droplets.contains(droplet);
    }

    /**
     * The balancer's own checks of each droplet.
     *
     * @param interval           the time between two checks of one droplet
     * @param healthyThreshold   passed checks in a row before it sends a droplet traffic
     * @param unhealthyThreshold failed checks in a row before it stops
     */
    public record HealthChecks(Duration interval, int healthyThreshold, int unhealthyThreshold) {

        public HealthChecks {
            if (!interval.isPositive() || healthyThreshold < 1 || unhealthyThreshold < 1) {
                throw new IllegalArgumentException("not a health check: every " + interval + ", healthy after "
                        + healthyThreshold + ", unhealthy after " + unhealthyThreshold);
            }
        }

        /**
         * The longest a droplet added to the balancer may take to get traffic, with the app healthy
         * all along: its passed checks, one interval apart, plus one interval, since the API says
         * neither when the first check comes nor when the change reaches the balancer.
         */
        public Duration toComeBack() {
            return interval.multipliedBy(healthyThreshold + 1L);
        }
    }
}
