package dev.fleet.infra.dns;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.BalancerControl;
import dev.fleet.apply.DropletSession;
import dev.fleet.desired.DnsSpec;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.dns.DnsException;
import dev.fleet.dns.DnsProvider;
import dev.fleet.dns.DnsRecord;
import java.util.List;

/**
 * A round-robin DNS name as the balancer of a drain-and-swap rollout. Draining takes the
 * droplet's records out of the name (never the last of their type: that would take the name down)
 * and calls the app's drain endpoint too, so that health checkers, {@code fleet dns-watch} among
 * them, see it failing and do not put it back; the plan then waits the records' TTL, the longest a
 * resolver may still hand the address out. Undraining adds the records back.
 */
public final class DnsBalancer implements BalancerControl {

    private final DnsSpec dns;
    private final DrainSpec drain;
    private final DnsProvider provider;

    public DnsBalancer(DnsSpec dns, DrainSpec drain, DnsProvider provider) {
        this.dns = dns;
        this.drain = drain;
        this.provider = provider;
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
        for (String address : droplet.addresses()) {
            try {
                provider.remove(DnsRecord.of(dns.name(), address, ttl()));
            } catch (DnsException e) {
                throw new ApplyException("taking " + address + " out of " + dns.name() + " failed: " + e.getMessage(),
                        e.isTransient(), e);
            }
        }
    }

    @Override
    public boolean outOfRotation(DropletSpec droplet, DropletSession session) throws ApplyException {
        List<DnsRecord> published = list();
        return droplet.addresses().stream().map(DnsRecord::canonicalAddress)
                .noneMatch(address -> published.stream().anyMatch(r -> r.address().equals(address)));
    }

    @Override
    public void undrain(DropletSpec droplet, DropletSession session) throws ApplyException {
        for (String address : droplet.addresses()) {
            try {
                provider.add(DnsRecord.of(dns.name(), address, ttl()));
            } catch (DnsException e) {
                throw new ApplyException("putting " + address + " back in " + dns.name() + " failed: " + e.getMessage(),
                        e.isTransient(), e);
            }
        }
    }

    @Override
    public boolean inRotation(DropletSpec droplet, DropletSession session) throws ApplyException {
        List<DnsRecord> published = list();
        return droplet.addresses().stream().map(DnsRecord::canonicalAddress)
                .allMatch(address -> published.stream().anyMatch(r -> r.address().equals(address)));
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
