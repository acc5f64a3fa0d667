package dev.fleet.cli;

import dev.fleet.apply.BalancerControl;
import dev.fleet.apply.Executor;
import dev.fleet.apply.HealthCheckBalancer;
import dev.fleet.apply.Pause;
import dev.fleet.apply.Progress;
import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.drift.DriftDetector;
import dev.fleet.drift.DriftReport;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.infra.droplet.DropletLedger;
import dev.fleet.infra.droplet.SshDropletSessions;
import dev.fleet.lock.LockException;
import dev.fleet.infra.haproxy.HaproxyControl;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.FleetObserver;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.Planner;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Observes and plans (shared by plan and apply), and builds the executor for a state: the apply's wiring. */
@Singleton
class Rollout {

    private final FleetObserver observer;
    private final DropletConnections connections;
    private final Clock clock;

    Rollout(FleetObserver observer, DropletConnections connections, Clock clock) {
        this.observer = observer;
        this.connections = connections;
        this.clock = clock;
    }

    /** The drift and the plan that follows from it, from one observation. */
    record Planned(DriftReport drift, PlanOutcome outcome) {}

    /** The run id {@code fleet plan} shows on the containers a plan starts: no apply, so no run. */
    static final String NO_RUN = "(the apply's run id)";

    /** A plan to show, not to apply: its containers' {@code fleet.rollout} label says {@link #NO_RUN}. */
    Planned plan(DesiredState state) {
        return plan(state, NO_RUN);
    }

    /** @param run the run id of the apply that will perform the plan */
    Planned plan(DesiredState state, String run) {
        FleetObservation observation = observer.observe(state);
        DriftReport drift = DriftDetector.detect(state, observation);
        return new Planned(drift, Planner.plan(state, observation, drift, run));
    }

    /** The fleet's lease and history, on its first droplet. */
    DropletLedger ledger(DesiredState state) throws LockException {
        return DropletLedger.open(connections, state);
    }

    Executor executor(DesiredState state, String run, Executor.Guard guard, Progress progress) {
        BalancerControl balancer = switch (state.balancer()) {
            case BalancerSpec.Haproxy haproxy -> new HaproxyControl(haproxy);
            case BalancerSpec.HealthCheck ignored -> new HealthCheckBalancer(state.health(), state.drain());
            case BalancerSpec.None ignored -> BalancerControl.NONE;
            case BalancerSpec.Dns ignored -> new dev.fleet.infra.dns.DnsBalancer(state.dns().orElseThrow(), state.drain(),
                    dev.fleet.infra.dns.DnsProviders.of(state.dns().orElseThrow()));
        };
        return new Executor(state, run, guard, new SshDropletSessions(connections, state), balancer, clock, Pause.SLEEP,
                progress);
    }
}
