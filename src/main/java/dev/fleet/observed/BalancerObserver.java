package dev.fleet.observed;

import dev.fleet.desired.DesiredState;

/**
 * Asks the load balancer what it thinks of the droplets. Implementations live at the edge.
 *
 * <p>Contract: read-only; never throws, but returns {@link BalancerObservation.Unavailable} when the
 * balancer cannot be asked, and {@link BalancerObservation.NotObservable} for a balancer that has no
 * API fleet can read.
 */
public interface BalancerObserver {

    BalancerObservation observe(DesiredState state);
}
