package dev.fleet.rollout;

import dev.fleet.apply.ApplyFailure;
import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletFailure;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.balancer.Balancers;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObserver;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.UnreachableReason;
import dev.fleet.plan.DropletPlan;
import dev.fleet.rollout.ledger.Acquisition;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.BrokenLease;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory fleet for the rollout engine's unit tests: droplets that run a digest (or cannot be
 * reached), a ledger that keeps a lease and a history, and a runner that "rolls out" by setting
 * each planned droplet's digest. Only the engine's logic is under test here; the real edges are
 * proven by the integration tests.
 */
public final class FakeFleet {

    public static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    public final Map<String, String> digests = new ConcurrentHashMap<>();
    public final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    public final AtomicInteger observations = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    public final List<Plan> runs = new ArrayList<>();
    final FakeLedger ledger = new FakeLedger();
    final Map<String, Boolean> goneProcesses = new HashMap<>();
    public boolean failRollouts;

    public record Plan(dev.fleet.plan.Plan plan, String run) {}

    FleetObserver observer() {
        return new FleetObserver((state, droplet) -> {
            observations.incrementAndGet();
            return observe(state, droplet);
        }, state -> new BalancerObservation.NotObservable(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private DropletObservation observe(DesiredState state, DropletSpec droplet) {
        if (unreachable.contains(droplet.name())) {
            return new DropletObservation.Unreachable(droplet.name(), NOW, UnreachableReason.REFUSED,
                    "connection refused");
        }
        String digest = digests.get(droplet.name());
        ObservedContainer container = new ObservedContainer("id-" + droplet.name(), state.service().name(),
                Optional.of(digest), "sha256:" + "f".repeat(64), "registry/demo@" + digest, "running", 0,
                Optional.empty(), Optional.of(NOW.minusSeconds(60)), Optional.empty(),
                Map.of(FleetLabels.SERVICE, state.service().name()));
        return new DropletObservation.Reached(droplet.name(), NOW, List.of(container),
                Optional.of(new HealthProbe(Optional.of(200), List.of())));
    }

    PlanRunner runner() {
        return (state, plan, run, guard, progress) -> {
            runs.add(new Plan(plan, run));
            List<DropletOutcome> outcomes = new ArrayList<>();
            Optional<ApplyFailure> stopped = Optional.empty();
            for (DropletPlan droplet : plan.droplets()) {
                if (stopped.isPresent()) {
                    outcomes.add(new DropletOutcome(droplet.droplet(), droplet.fromDigest(), droplet.toDigest(),
                            DropletOutcome.Result.SKIPPED, List.of(), Optional.empty()));
                    continue;
                }
                if (!failRollouts) {
                    digests.put(droplet.droplet(), droplet.toDigest());
                    outcomes.add(new DropletOutcome(droplet.droplet(), droplet.fromDigest(), droplet.toDigest(),
                            DropletOutcome.Result.CONVERGED, List.of(), Optional.empty()));
                    continue;
                }
                Optional<DropletFailure> failure = Optional.of(new DropletFailure.RolledBack(
                        new DropletFailure.StepFailed("wait until healthy", "not healthy within 60s"),
                        droplet.fromDigest(), false));
                outcomes.add(new DropletOutcome(droplet.droplet(), droplet.fromDigest(), droplet.toDigest(),
                        DropletOutcome.Result.ROLLED_BACK, List.of(), failure));
                stopped = Optional.of(new ApplyFailure.RolloutStopped(droplet.droplet(),
                        DropletOutcome.Result.ROLLED_BACK, failure));
            }
            return new ApplyResult(NOW, Duration.ofSeconds(1), List.of(), outcomes, stopped);
        };
    }

    Processes processes() {
        return new Processes() {
            @Override
            public Optional<String> identity() {
                return Optional.of("this-process");
            }

            @Override
            public boolean isGone(String identity) {
                return goneProcesses.getOrDefault(identity, false);
            }
        };
    }

    public Convergence convergence() {
        AtomicInteger runIds = new AtomicInteger();
        return new Convergence(observer(), Balancers::of, state -> {
            opened.incrementAndGet();
            return ledger;
        }, runner(), processes(), () -> "tester@host", () -> "run" + runIds.incrementAndGet(),
                Clock.fixed(NOW, ZoneOffset.UTC), () -> Convergence.LEASE);
    }

    /** A lease and a history in memory, with the lease store's rules. */
    static final class FakeLedger implements Ledger {

        Optional<Lease> lease = Optional.empty();
        /** How long before this apply's acquisition another apply last gave the lease back; empty: unknown. */
        Optional<Duration> quietFor = Optional.empty();
        final List<ApplyRecord> history = new ArrayList<>();
        final List<Optional<String>> takeOverAttempts = new ArrayList<>();
        boolean released;

        @Override
        public String where() {
            return "droplet-1 (~/.fleet/demo)";
        }

        @Override
        public Acquisition acquire(String run, String owner, String commit, Duration ttl, Optional<String> process,
                Optional<String> goneRun) {
            takeOverAttempts.add(goneRun);
            Optional<Lease> previous = lease;
            if (previous.isPresent() && !previous.get().expiredAt(NOW)
                    && !goneRun.equals(Optional.of(previous.get().run()))) {
                return new Acquisition.Held(previous.get(), NOW);
            }
            Lease ours = new Lease(run, owner, commit, NOW, NOW.plus(ttl), process);
            lease = Optional.of(ours);
            return new Acquisition.Acquired(ours, previous, previous.isPresent() ? Optional.empty() : quietFor);
        }

        @Override
        public boolean renew(String run, Duration ttl) {
            return lease.map(l -> l.run().equals(run)).orElse(false);
        }

        @Override
        public void release(String run) {
            if (lease.map(l -> l.run().equals(run)).orElse(false)) {
                lease = Optional.empty();
                released = true;
            }
        }

        @Override
        public Optional<BrokenLease> breakLease(String by) {
            Optional<BrokenLease> broken = lease.map(BrokenLease.Held::new);
            lease = Optional.empty();
            return broken;
        }

        @Override
        public void append(ApplyRecord record) {
            history.add(record);
        }

        @Override
        public List<HistoryEntry> recent(int limit) {
            return history.stream().<HistoryEntry>map(HistoryEntry.Apply::new).toList();
        }

        @Override
        public void close() {}
    }
}
