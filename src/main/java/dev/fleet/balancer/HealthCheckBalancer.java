package dev.fleet.balancer;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.plan.BalancerTiming;

/**
 * A balancer that checks the droplets' health itself and cannot be asked (a cloud load balancer):
 * the app's drain endpoint makes its health fail, and the balancer's view is inferred from that
 * health, seen from the droplet. The plan's settle times then wait out the balancer's thresholds.
 */
final class HealthCheckBalancer implements Balancer {

    private final BalancerSpec.HealthCheck balancer;
    private final HealthSpec health;
    private final DrainSpec drain;

    HealthCheckBalancer(BalancerSpec.HealthCheck balancer, HealthSpec health, DrainSpec drain) {
        this.balancer = balancer;
        this.health = health;
        this.drain = drain;
    }

    /** The seed's waits: {@code (unhealthy+1) x interval} to drop a droplet, {@code (healthy+1) x interval} to have it back. */
    @Override
    public BalancerTiming timing(HealthSpec appHealth, RolloutPolicy rollout) {
        return BalancerTiming.healthChecked(balancer.interval(), balancer.unhealthyThreshold(),
                balancer.healthyThreshold(), appHealth, rollout);
    }

    /** It has no API fleet can read. */
    @Override
    public BalancerObservation observe(DesiredState state) {
        return new BalancerObservation.NotObservable();
    }

    @Override
    public void drain(DropletSpec droplet, DropletSession session) throws ApplyException {
        try {
            session.callDrainEndpoint(drain);
        } catch (ApplyException e) {
            // An app that does not answer is already failing the balancer's checks: nothing to drain.
            if (session.probe(health).healthy()) {
                throw e;
            }
        }
    }

    @Override
    public boolean outOfRotation(DropletSpec droplet, DropletSession session) {
        return !session.probe(health).healthy();
    }

    @Override
    public void undrain(DropletSpec droplet, DropletSession session) {
        // A new container starts healthy: the balancer's checks bring it back by themselves.
    }

    @Override
    public boolean inRotation(DropletSpec droplet, DropletSession session) {
        return session.probe(health).healthy();
    }
}
