package dev.fleet.balancer;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.infra.dns.DnsProviders;

/** The one place that turns the state's balancer section into the balancer fleet works through. */
public final class Balancers {

    private Balancers() {}

    public static Balancer of(DesiredState state) {
        return switch (state.balancer()) {
            case BalancerSpec.Haproxy haproxy -> new HaproxyBalancer(haproxy);
            case BalancerSpec.HealthCheck check -> new HealthCheckBalancer(check, state.health(), state.drain());
            case BalancerSpec.None ignored -> new NoBalancer();
            case BalancerSpec.Dns ignored -> state.dns()
                    .<Balancer>map(dns -> new DnsBalancer(dns, state.drain(), DnsProviders.of(dns)))
                    .orElseGet(NoBalancer::new);
        };
    }
}
