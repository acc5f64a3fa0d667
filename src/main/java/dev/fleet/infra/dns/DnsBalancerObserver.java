package dev.fleet.infra.dns;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.dns.DnsException;
import dev.fleet.dns.DnsRecord;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.BalancerObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A DNS balancer's view of the droplets: a droplet is UP when every one of its addresses is
 * published under the name, else "NOT IN DNS".
 */
public final class DnsBalancerObserver implements BalancerObserver {

    /** How a droplet out of the name shows in drift's balancer column. */
    public static final String NOT_IN_DNS = "NOT IN DNS";

    @Override
    public BalancerObservation observe(DesiredState state) {
        if (state.dns().isEmpty()) {
            return new BalancerObservation.NotObservable();
        }
        var dns = state.dns().get();
        List<DnsRecord> published;
        try {
            published = DnsProviders.of(dns).list(dns.name());
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
}
