package dev.fleet.balancer;

import dev.fleet.cloud.CloudBalancerApi;
import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.infra.digitalocean.DigitalOceanLoadBalancer;
import dev.fleet.infra.dns.DnsProviders;
import dev.fleet.infra.http.ApiToken;
import dev.fleet.infra.http.RetryPolicy;
import java.time.Clock;

/** The one place that turns the state's balancer section into the balancer fleet works through. */
public final class Balancers {

    private Balancers() {}

    public static Balancer of(DesiredState state) {
        return of(state, Clock.systemUTC());
    }

    /** @param clock the apply's clock, which a balancer's own waits are counted on */
    public static Balancer of(DesiredState state, Clock clock) {
        return switch (state.balancer()) {
            case BalancerSpec.Haproxy haproxy -> new HaproxyBalancer(haproxy);
            case BalancerSpec.HealthCheck check -> new HealthCheckBalancer(check, state.health(), state.drain());
            case BalancerSpec.None ignored -> new NoBalancer();
            case BalancerSpec.Dns ignored -> state.dns()
                    .<Balancer>map(dns -> new DnsBalancer(dns, state.drain(), DnsProviders.of(dns)))
                    .orElseGet(NoBalancer::new);
            case BalancerSpec.Cloud cloud -> new CloudBalancer(cloud, state.health(), state.rollout(), api(cloud, clock),
                    clock);
        };
    }

    /** The API of the cloud whose load balancer it is: a second cloud is a case here, and its package at the edge. */
    private static CloudBalancerApi api(BalancerSpec.Cloud cloud, Clock clock) {
        ApiToken token = new ApiToken(cloud.tokenFrom(), cloud.token());
        return switch (cloud.provider()) {
            case DIGITALOCEAN -> new DigitalOceanLoadBalancer(cloud.api(), cloud.balancerId(), token,
                    DigitalOceanLoadBalancer.DEFAULT_TIMEOUT, RetryPolicy.DEFAULT, RetryPolicy.Sleeper.SLEEP, clock);
        };
    }
}
