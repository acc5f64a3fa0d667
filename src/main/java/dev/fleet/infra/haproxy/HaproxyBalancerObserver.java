package dev.fleet.infra.haproxy;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.BalancerObserver;
import java.io.IOException;
import java.time.Duration;

/** Reads the droplets' states from HAProxy's runtime API; other balancers cannot be asked. */
public final class HaproxyBalancerObserver implements BalancerObserver {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Override
    public BalancerObservation observe(DesiredState state) {
        return switch (state.balancer()) {
            case BalancerSpec.HealthCheck ignored -> new BalancerObservation.NotObservable();
            case BalancerSpec.None ignored -> new BalancerObservation.NotObservable();
            case BalancerSpec.Dns ignored -> new BalancerObservation.NotObservable();
            case BalancerSpec.Haproxy haproxy -> {
                try {
                    yield new BalancerObservation.Servers(
                            new HaproxyRuntimeApi(haproxy.socket(), TIMEOUT).servers(haproxy.backend()));
                } catch (IOException e) {
                    yield new BalancerObservation.Unavailable(e.getMessage());
                }
            }
        };
    }
}
