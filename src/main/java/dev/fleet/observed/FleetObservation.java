package dev.fleet.observed;

import java.time.Instant;
import java.util.List;

/**
 * Everything fleet saw of a fleet in one pass.
 *
 * @param droplets   one observation per droplet, in the state file's order
 * @param balancer   what the load balancer says of them
 * @param finishedAt when the last observation finished
 */
public record FleetObservation(List<DropletObservation> droplets, BalancerObservation balancer, Instant finishedAt) {

    public FleetObservation {
        droplets = List.copyOf(droplets);
    }
}
