package dev.fleet.balancer;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Durations;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.dns.DnsException;
import dev.fleet.dns.DnsProvider;
import dev.fleet.dns.DnsRecord;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.plan.BalancerTiming;
import dev.fleet.plan.Step;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A round-robin DNS name as the balancer of a drain-and-swap rollout. Draining takes the
 * droplet's records out of the name (never the last of their type: that would take the name down)
 * and calls the app's drain endpoint too, so that health checkers, {@code fleet dns-watch} among
 * them, see it failing and do not put it back; the plan then waits the records' TTL, the longest a
 * resolver may still hand the address out. Undraining adds the records back. Its view of a droplet:
 * UP when every one of its addresses is published under the name, else "NOT IN DNS".
 */
final class DnsBalancer implements Balancer {

    /** How a droplet out of the name shows in drift's balancer column. */
    static final String NOT_IN_DNS = "NOT IN DNS";

    private final DnsSpec dns;
    private final DrainSpec drain;
    private final DnsProvider provider;

    DnsBalancer(DnsSpec dns, DrainSpec drain, DnsProvider provider) {
        this.dns = dns;
        this.drain = drain;
        this.provider = provider;
    }

    /** Out of rotation once the name no longer lists it and its TTL has passed. */
    @Override
    public BalancerTiming timing(HealthSpec health, RolloutPolicy rollout) {
        return BalancerTiming.asked(dns.ttl(), BalancerTiming.ASKED_BACK, health, rollout);
    }

    @Override
    public Optional<String> refusalWhenUnreadable(String problem) {
        return Optional.of("the DNS name cannot be read (" + problem + "): fleet drains through it and will not guess;"
                + " check the dns section and its API token");
    }

    @Override
    public String drain(DesiredState state, DropletSpec droplet) {
        return "take its addresses out of " + dns.name() + " and call the drain endpoint (" + drain.method() + " "
                + drain.path() + ")";
    }

    @Override
    public String awaitDrained(DesiredState state, Step.AwaitDrained step) {
        return "wait until " + dns.name() + " no longer lists it, then its TTL (" + Durations.setting(dns.ttl())
                + ") for resolvers to forget it (at most " + Durations.setting(step.deadline()) + ")";
    }

    @Override
    public String undrain(DesiredState state, DropletSpec droplet) {
        return "put its addresses back in " + dns.name();
    }

    @Override
    public String awaitInRotation(DesiredState state, Step.AwaitInRotation step) {
        return "wait until " + dns.name() + " lists it again (at most " + Durations.setting(step.deadline()) + ")";
    }

    @Override
    public BalancerObservation observe(DesiredState state) {
        List<DnsRecord> published;
        try {
            published = provider.list(dns.name());
        } catch (DnsException | IllegalArgumentException e) {
            return new BalancerObservation.Unavailable("reading " + dns.name() + " failed: " + e.getMessage());
        }
        Map<String, BalancerObservation.ServerState> servers = new HashMap<>();
        for (DropletSpec droplet : state.droplets()) {
            boolean all = !droplet.addresses().isEmpty() && droplet.addresses().stream().map(DnsRecord::canonicalAddress)
                    .allMatch(a -> published.stream().anyMatch(r -> r.address().equals(a)));
            servers.put(droplet.serverName(), new BalancerObservation.ServerState(all ? "UP" : NOT_IN_DNS, 0));
        }
        return new BalancerObservation.Servers(servers);
    }

    @Override
    public void drain(DropletSpec droplet, DropletSession session) throws ApplyException {
        List<DnsRecord> published = list();
        for (String address : droplet.addresses()) {
            DnsRecord.Type type = DnsRecord.typeOf(address);
            boolean others = published.stream().anyMatch(r -> r.type() == type
                    && !droplet.addresses().contains(r.address()) && !r.address().equals(DnsRecord.canonicalAddress(address)));
            boolean present = published.stream().anyMatch(r -> r.address().equals(DnsRecord.canonicalAddress(address)));
            if (present && !others) {
                throw new ApplyException(droplet.name() + "'s " + address + " is the only " + type + " record of "
                        + dns.name() + ": taking it out would take the name down. Put another droplet back in DNS"
                        + " first (fleet dns-watch adds healthy ones)");
            }
        }
        session.callDrainEndpoint(drain);
        forEachRecord(droplet, provider::remove, "taking %s out of %s");
    }

    @Override
    public boolean outOfRotation(DropletSpec droplet, DropletSession session) throws ApplyException {
        return published(droplet) == 0;
    }

    @Override
    public void undrain(DropletSpec droplet, DropletSession session) throws ApplyException {
        forEachRecord(droplet, provider::add, "putting %s back in %s");
    }

    @Override
    public boolean inRotation(DropletSpec droplet, DropletSession session) throws ApplyException {
        return published(droplet) == droplet.addresses().size();
    }

    /** How many of the droplet's addresses the name publishes now. */
    private long published(DropletSpec droplet) throws ApplyException {
        List<DnsRecord> published = list();
        return droplet.addresses().stream().map(DnsRecord::canonicalAddress)
                .filter(address -> published.stream().anyMatch(r -> r.address().equals(address))).count();
    }

    @FunctionalInterface
    private interface RecordChange {
        void apply(DnsRecord record) throws DnsException;
    }

    /** Makes {@code change} for each of the droplet's addresses; {@code what} says it ("%s" the address, then the name). */
    private void forEachRecord(DropletSpec droplet, RecordChange change, String what) throws ApplyException {
        for (String address : droplet.addresses()) {
            try {
                change.apply(DnsRecord.of(dns.name(), address, ttl()));
            } catch (DnsException e) {
                throw new ApplyException(what.formatted(address, dns.name()) + " failed: " + e.getMessage(),
                        e.isTransient(), e);
            }
        }
    }

    private List<DnsRecord> list() throws ApplyException {
        try {
            return provider.list(dns.name());
        } catch (DnsException e) {
            throw new ApplyException("reading " + dns.name() + " from " + provider.describe() + " failed: "
                    + e.getMessage(), e.isTransient(), e);
        }
    }

    private int ttl() {
        return (int) dns.ttl().toSeconds();
    }
}
