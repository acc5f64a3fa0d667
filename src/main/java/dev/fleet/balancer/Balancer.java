package dev.fleet.balancer;

import dev.fleet.apply.BalancerControl;
import dev.fleet.observed.BalancerObserver;

/**
 * One kind of load balancer in front of the droplets, with everything fleet does through it:
 * observing its view of the droplets ({@link BalancerObserver}), and taking a droplet out of
 * rotation and back ({@link BalancerControl}). {@link Balancers#of} picks the kind from the state.
 */
public interface Balancer extends BalancerControl, BalancerObserver {}
