package dev.fleet.desired;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** How fleet learns what the load balancer thinks of a droplet. */
public sealed interface BalancerSpec {

    /**
     * Any balancer that health-checks the droplets (a DigitalOcean load balancer, for example):
     * fleet cannot ask it anything, so it reasons from its timing.
     *
     * @param interval           the time between two checks of one droplet
     * @param unhealthyThreshold failed checks before the balancer drops a droplet
     * @param healthyThreshold   passed checks before it sends traffic again
     */
    record HealthCheck(Duration interval, int unhealthyThreshold, int healthyThreshold) implements BalancerSpec {}

    /**
     * HAProxy, asked directly through its runtime API.
     *
     * @param socket  the runtime API's unix socket, on the machine that runs fleet
     * @param backend the backend whose servers are the droplets
     */
    record Haproxy(Path socket, String backend) implements BalancerSpec {}

    /**
     * No balancer in front of the droplets (one droplet, or round-robin DNS): only a blue-green
     * rollout, which never takes a droplet out of rotation, may run without one.
     */
    record None() implements BalancerSpec {}

    /**
     * A round-robin DNS name ({@link DnsSpec}): a droplet is drained by taking its records out, and
     * is out of rotation once resolvers may no longer hold them.
     *
     * @param ttl the records' TTL, the longest a resolver may still hand out a drained droplet
     */
    record Dns(Duration ttl) implements BalancerSpec {}

    /**
     * A cloud's load balancer, changed through the cloud's API: a droplet is drained by removing it
     * from the balancer, then given {@code drainWait} to finish the requests it has; it comes back by
     * adding it, then waiting out the balancer's own health check, whose timing is read from the API
     * when the droplet is added.
     *
     * @param provider   whose cloud
     * @param balancerId the balancer's id there
     * @param api        the cloud's API: its own, or the one fleet's environment names (never the state)
     * @param token      the API token
     * @param tokenFrom  the environment variable it came from, for messages
     * @param drainWait  how long a droplet out of the balancer keeps its container, for requests in flight
     * @param droplets   each droplet's id in the cloud, by its name in the state
     */
    record Cloud(CloudProvider provider, String balancerId, URI api, Secret token, String tokenFrom,
            Duration drainWait, Map<String, Long> droplets) implements BalancerSpec {

        public Cloud {
            droplets = Map.copyOf(droplets);
        }

        /** The cloud's id of the state's droplet {@code name}. */
        public long dropletId(String name) {
            Long id = droplets.get(name);
            if (id == null) {
                throw new IllegalArgumentException("droplet " + name + " has no " + provider.dropletKey());
            }
            return id;
        }
    }
}
