package dev.fleet.dns;

import java.util.List;

/**
 * What one round of {@link DnsFailover} decided, as values: changes to make ({@link Add}, {@link
 * Remove}) and things to tell people ({@link KeepLastHealthy}, {@link AllDown}, {@link Recovered}).
 * None holds a secret: names, addresses and reasons only.
 *
 * <p>Changes come before the removals they make safe: a round lists its adds first, so a caller
 * that makes the changes in order and stops at the first that fails never leaves DNS with fewer
 * healthy records than it had. The next round decides again from what DNS then publishes.
 */
public sealed interface DnsDecision {

    /** Publish a droplet's address: it passed enough checks in a row, or is up and missing from DNS. */
    record Add(String droplet, DnsRecord record, String reason) implements DnsDecision {}

    /** Withdraw a droplet's address: it failed enough checks in a row. */
    record Remove(String droplet, DnsRecord record, String reason) implements DnsDecision {}

    /**
     * A removal refused: the droplet is down, but without its record no record of its type would
     * point at a droplet that passed its check. Told once, when the record starts being kept.
     */
    record KeepLastHealthy(String droplet, DnsRecord record, String reason) implements DnsDecision {}

    /**
     * Every droplet is down: DNS keeps the records it has (removing them helps no one, and the
     * checks themselves may be what is broken). Told once per outage.
     */
    record AllDown(String name, List<String> droplets, List<DnsRecord> kept) implements DnsDecision {
        public AllDown {
            droplets = List.copyOf(droplets);
            kept = List.copyOf(kept);
        }
    }

    /** The outage is over: these droplets are up again (the round after an {@link AllDown}). */
    record Recovered(String name, List<String> droplets) implements DnsDecision {
        public Recovered {
            droplets = List.copyOf(droplets);
        }
    }

    /** Whether this decision changes DNS (as opposed to telling people). */
    default boolean isChange() {
        return this instanceof Add || this instanceof Remove;
    }

    /** The decision's name in notifications: {@code dns_added}, {@code dns_removed}, ... */
    default String kind() {
        return switch (this) {
            case Add a -> "dns_added";
            case Remove r -> "dns_removed";
            case KeepLastHealthy k -> "dns_kept_last_healthy";
            case AllDown a -> "dns_all_down";
            case Recovered r -> "dns_recovered";
        };
    }

    /** One line for people, as chat receivers show it. */
    default String text() {
        return switch (this) {
            case Add a -> "fleet: added " + a.record() + " (" + a.droplet() + "): " + a.reason();
            case Remove r -> "fleet: removed " + r.record() + " (" + r.droplet() + "): " + r.reason();
            case KeepLastHealthy k -> "fleet: kept " + k.record() + " (" + k.droplet() + "): " + k.reason();
            case AllDown a -> "fleet: every droplet behind " + a.name() + " is down (" + String.join(", ", a.droplets())
                    + "); its " + a.kept().size() + " record(s) are kept";
            case Recovered r -> "fleet: " + r.name() + " has a droplet up again: " + String.join(", ", r.droplets());
        };
    }
}
