package dev.fleet.infra.dns;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.dns.DnsFailover;
import dev.fleet.dns.DnsRounds;
import java.time.Clock;

/** DNS failover rounds for a state's dns section: its provider's API and HTTP checks of the droplets. */
public final class DnsFailoverRounds {

    private DnsFailoverRounds() {}

    public static DnsRounds start(DesiredState state, Clock clock) {
        DnsSpec dns = state.dns().orElseThrow(() -> new IllegalArgumentException("the state has no dns section"));
        return new DnsRounds(new DnsFailover(dns.name(), (int) dns.ttl().toSeconds(), dns.failures(), dns.successes()),
                DnsProviders.of(dns), new HttpHealthCheck(dns.checkPort(), state.health().path(),
                        state.health().expectStatus(), state.health().timeout()), clock);
    }
}
