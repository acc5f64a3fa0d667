package dev.fleet.apply;

import dev.fleet.desired.DropletSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an apply takes a droplet out of the balancer's rotation and puts it back, and how it learns
 * that the balancer has done so. The executor polls the two questions until their deadlines; the
 * settle times that follow come from the plan.
 */
public interface BalancerControl {

    /** Starts taking the droplet out of rotation. */
    void drain(DropletSpec droplet, DropletSession session) throws ApplyException;

    /** Whether the balancer sends the droplet no more traffic (as far as can be observed now). */
    boolean outOfRotation(DropletSpec droplet, DropletSession session) throws ApplyException;

    /** Lets the balancer send traffic to the droplet again, once its new container is healthy. */
    void undrain(DropletSpec droplet, DropletSession session) throws ApplyException;

    /** Whether the balancer has the droplet back in rotation. */
    boolean inRotation(DropletSpec droplet, DropletSession session) throws ApplyException;

    /**
     * What the balancer counted of each droplet's requests so far, by droplet name (a canary's soak
     * compares them over its window); empty when this kind of balancer counts nothing fleet can read.
     */
    default Optional<Map<String, RequestCounts>> requestCounts(List<DropletSpec> droplets) throws ApplyException {
        return Optional.empty();
    }
}
