package dev.fleet.desired;

import java.nio.file.Path;
import java.time.Duration;

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
}
