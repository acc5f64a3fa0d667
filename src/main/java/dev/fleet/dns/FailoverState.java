package dev.fleet.dns;

import java.util.Map;
import java.util.Set;

/**
 * What {@link DnsFailover} carries from one round to the next: a value, handed back with the next
 * round's checks. The first round starts from {@link #initial()}; a droplet it has not seen before
 * starts from what DNS publishes (see {@link DropletStreak#baseline}), so a restarted watch picks up
 * where DNS is rather than where the last process was.
 *
 * @param droplets each droplet's streak, by droplet name
 * @param held     addresses of down droplets kept in DNS because removing them would have left no
 *                 record of a droplet that passed its check (reported once, when first held)
 * @param allDown  whether an outage is going on: every droplet went down, and none is up again yet
 */
public record FailoverState(Map<String, DropletStreak> droplets, Set<String> held, boolean allDown) {

    public FailoverState {
        droplets = Map.copyOf(droplets);
        held = Set.copyOf(held);
    }

    public static FailoverState initial() {
        return new FailoverState(Map.of(), Set.of(), false);
    }
}
