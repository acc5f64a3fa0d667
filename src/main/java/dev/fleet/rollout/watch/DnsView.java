package dev.fleet.rollout.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The DNS failover as the watch's page shows it: the state's dns section, what its last round found
 * and published, and the last changes and alerts. Immutable.
 *
 * @param name     the name whose records follow the droplets' health
 * @param provider whose API holds them ({@code powerdns}, {@code cloudflare})
 * @param ttl      the TTL of the records fleet adds
 * @param interval the time between two rounds
 * @param last     the last round, once one ran
 * @param told     the last changes and alerts, the newest first (at most {@link DnsMemory#TOLD})
 */
public record DnsView(String name, String provider, Duration ttl, Duration interval, Optional<Round> last,
        List<Told> told) {

    public DnsView {
        told = List.copyOf(told);
    }

    /**
     * A round.
     *
     * @param number    counting from 1 since the watch began
     * @param checks    each droplet's check
     * @param published the records the name publishes after the round ({@code name ttl A address})
     * @param failure   why reading or changing DNS failed, when it did
     */
    public record Round(long number, Instant at, List<Check> checks, List<String> published, Optional<String> failure) {
        public Round {
            checks = List.copyOf(checks);
            published = List.copyOf(published);
        }
    }

    /** A droplet's check: whether it passed, and what it saw. */
    public record Check(String droplet, boolean passed, String detail) {}

    /** A change or an alert: its kind ({@code dns_removed}) and its line for people. */
    public record Told(Instant at, String kind, String text) {}
}
