package dev.fleet.infra.dns;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.dns.DnsFailover;
import dev.fleet.dns.DnsRounds;
import java.time.Clock;
import java.time.Duration;

/** DNS failover rounds for a state's dns section: its provider's API and HTTP checks of the droplets. */
public final class DnsFailoverRounds {

    private DnsFailoverRounds() {}

    /** What a round adds to a check's own timeout before it stops waiting: time to give its answer. */
    private static final Duration CHECK_GRACE = Duration.ofSeconds(1);

    public static DnsRounds start(DesiredState state, Clock clock) {
        DnsSpec dns = state.dns().orElseThrow(() -> new IllegalArgumentException("the state has no dns section"));
        HttpHealthCheck check = new HttpHealthCheck(dns.checkPort(), state.health().path(),
                state.health().expectStatus(), state.health().timeout());
        return new DnsRounds(new DnsFailover(dns.name(), (int) dns.ttl().toSeconds(), dns.failures(), dns.successes()),
                DnsProviders.of(dns), check, check.timeout().plus(CHECK_GRACE), clock);
    }
}
