package dev.fleet.infra.dns;

import dev.fleet.desired.DnsSpec;
import dev.fleet.dns.DnsProvider;
import dev.fleet.infra.http.ApiToken;

/** The provider a state's {@code dns:} section names. */
public final class DnsProviders {

    private DnsProviders() {}

    public static DnsProvider of(DnsSpec dns) {
        ApiToken token = new ApiToken(dns.tokenFrom(), dns.token());
        return switch (dns.provider()) {
            case POWERDNS -> new PowerDnsProvider(dns.api(), dns.server(), dns.zone(), token,
                    PowerDnsProvider.DEFAULT_TIMEOUT);
            case CLOUDFLARE -> new CloudflareProvider(dns.api(), dns.zone(), token, CloudflareProvider.DEFAULT_TIMEOUT);
        };
    }
}
