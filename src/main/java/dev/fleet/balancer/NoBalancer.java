package dev.fleet.balancer;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.plan.BalancerTiming;
import java.time.Duration;

/** No balancer: nothing to take a droplet out of (only blue-green, which never asks, runs without one). */
final class NoBalancer implements Balancer {

    @Override
    public BalancerTiming timing(HealthSpec health, RolloutPolicy rollout) {
        return BalancerTiming.asked(Duration.ZERO, Duration.ZERO, health, rollout);
    }

    @Override
    public BalancerObservation observe(DesiredState state) {
        return new BalancerObservation.NotObservable();
    }

    @Override
    public void drain(DropletSpec droplet, DropletSession session) throws ApplyException {
        throw new ApplyException("there is no balancer to take " + droplet.name() + " out of");
    }

    @Override
    public boolean outOfRotation(DropletSpec droplet, DropletSession session) {
        return false;
    }

    @Override
    public void undrain(DropletSpec droplet, DropletSession session) {}

    @Override
    public boolean inRotation(DropletSpec droplet, DropletSession session) {
        return true;
    }
}
