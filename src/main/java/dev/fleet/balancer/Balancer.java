package dev.fleet.balancer;

import dev.fleet.apply.BalancerControl;
import dev.fleet.observed.BalancerObserver;
import dev.fleet.plan.BalancerRules;

/**
 * One kind of load balancer in front of the droplets, with everything fleet knows and does through
 * it: observing its view of the droplets ({@link BalancerObserver}), its timing, the words of its
 * steps and when a plan may not start ({@link BalancerRules}), and taking a droplet out of rotation
 * and back ({@link BalancerControl}). {@link Balancers#of} picks the kind from the state: a new kind
 * is a new class here, a case there, and its section in the state loader.
 */
public interface Balancer extends BalancerControl, BalancerObserver, BalancerRules {}
