package dev.fleet.observed;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;

/**
 * Looks at one droplet. Implementations live at the edge (SSH, Docker).
 *
 * <p>Contract: read-only (never changes anything on the droplet); never throws for a droplet that
 * cannot be reached, but returns {@link DropletObservation.Unreachable} with the reason; bounded in
 * time by the state's SSH timeouts. Safe to call for several droplets at once from different threads.
 */
public interface DropletObserver {

    DropletObservation observe(DesiredState state, DropletSpec droplet);
}
