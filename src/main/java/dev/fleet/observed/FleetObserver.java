package dev.fleet.observed;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Observes every droplet of a fleet and its balancer at once, so that a fleet of ten takes about as
 * long as its slowest droplet, not the sum of them; beyond {@link #AT_ONCE} droplets, that many at a
 * time.
 */
public final class FleetObserver {

    /**
     * Droplets connected to and observed at once. A handshake needs about 11 ms of fleet's CPU and a
     * few round trips, so about 16 in flight per core keep two cores busy at 50 ms round trips: more
     * at once gain no time and cost a thread each (measured figures: README, "fleet at 500 droplets").
     */
    public static final int AT_ONCE = 32;

    private final DropletObserver droplets;
    private final BalancerObserver balancer;
    private final Clock clock;

    public FleetObserver(DropletObserver droplets, BalancerObserver balancer, Clock clock) {
        this.droplets = droplets;
        this.balancer = balancer;
        this.clock = clock;
    }

    /** One observation per droplet, in the state's order; one droplet's failure never hides the others. */
    public FleetObservation observe(DesiredState state) {
        // Platform threads, not virtual ones: in the native build a virtual thread blocked in the
        // SSH library's synchronized reads keeps its carrier, and with a carrier per core the
        // balancer's exchange once waited past its timeout behind two slow handshakes.
        // The balancer has a thread of its own: it never waits behind the droplets.
        FutureTask<BalancerObservation> balancerView = new FutureTask<>(() -> balancer.observe(state));
        Thread.ofPlatform().daemon().name("fleet-balancer-observer").start(balancerView);
        try (ExecutorService executor = Executors.newFixedThreadPool(Math.clamp(state.droplets().size(), 1, AT_ONCE),
                Thread.ofPlatform().daemon().factory())) {
            List<Future<DropletObservation>> pending = new ArrayList<>();
            for (DropletSpec droplet : state.droplets()) {
                pending.add(executor.submit(() -> droplets.observe(state, droplet)));
            }
            List<DropletObservation> observed = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                observed.add(await(pending.get(i), state.droplets().get(i)));
            }
            BalancerObservation balancerObservation;
            try {
                balancerObservation = balancerView.get();
            } catch (ExecutionException e) {
                balancerObservation = new BalancerObservation.Unavailable(describe(e.getCause()));
            }
            return new FleetObservation(observed, balancerObservation, Instant.now(clock));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while observing the fleet", e);
        }
    }

    private DropletObservation await(Future<DropletObservation> observation, DropletSpec droplet)
            throws InterruptedException {
        try {
            return observation.get();
        } catch (ExecutionException e) {
            // Observers report unreachable droplets as values; this is a bug, still confined to one droplet.
            return new DropletObservation.Unreachable(droplet.name(), Instant.now(clock), UnreachableReason.OTHER,
                    "observing failed: " + describe(e.getCause()));
        }
    }

    private static String describe(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }
}
