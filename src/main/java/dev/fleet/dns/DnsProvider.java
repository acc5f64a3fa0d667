package dev.fleet.dns;

import java.util.List;

/**
 * The A and AAAA records of names in one zone of a DNS provider (the zone is the provider's
 * configuration). Every call is one or a few bounded HTTP requests; none retries: the caller decides
 * from {@link DnsException#isTransient()} whether to try again next round.
 *
 * <p>{@link #add} and {@link #remove} are idempotent, so a round that failed halfway can simply be
 * done again: adding an address already published and removing one that is not are not errors.
 * They change one address and leave the name's other records as they are. A provider may read the
 * records before it changes them, so two writers racing on one name can lose an update; fleet is the
 * only writer of the names it watches, and its next round puts a lost change right.
 */
public interface DnsProvider {

    /**
     * The A and AAAA records published under {@code name} (canonical, see {@link DnsRecord}), in
     * no particular order; empty when there are none. Records the provider keeps but does not serve
     * (disabled ones) are not listed.
     */
    List<DnsRecord> list(String name) throws DnsException;

    /**
     * Publishes {@code record}'s address under its name. Nothing happens when it is already
     * published (whatever its TTL). Where the provider keeps one TTL for all the addresses of a name
     * (PowerDNS), the name takes {@code record}'s TTL when this adds it.
     */
    void add(DnsRecord record) throws DnsException;

    /**
     * Withdraws {@code record}'s address from its name (whatever its TTL). Nothing happens when it
     * is not published.
     */
    void remove(DnsRecord record) throws DnsException;

    /** The provider and zone in words, for messages and logs; never a credential. */
    String describe();
}
