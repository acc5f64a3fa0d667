package dev.fleet.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.balancer.Balancers;
import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.rollout.ledger.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout engine's rules, against an in-memory fleet: the lock, the second look, the results. */
class ConvergenceTest {

    static final String V1 = "sha256:" + "1".repeat(64);
    static final String V2 = "sha256:" + "2".repeat(64);

    private final FakeFleet fleet = new FakeFleet();
    private final List<String> told = new ArrayList<>();
    private final RolloutListener listener = new RolloutListener() {
        @Override
        public void leaseTakenOver(Lease previous, boolean holderGone) {
            told.add("took over " + previous.run() + (holderGone ? " (gone)" : " (lapsed)"));
        }

        @Override
        public void starting(dev.fleet.drift.DriftReport drift, dev.fleet.plan.Plan plan) {
            told.add("starting");
        }
    };

    @Test
    void aConvergedFleetIsLeftWithoutTakingTheLock() throws Exception {
        fleet.digests.putAll(Map.of("d1", V2, "d2", V2));

        ConvergeResult result = fleet.convergence().converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOf(ConvergeResult.NothingToDo.class);
        assertThat(fleet.opened).hasValue(0);
        assertThat(fleet.runs).isEmpty();
        assertThat(fleet.ledger.history).isEmpty();
    }

    @Test
    void aDriftingFleetIsRolledOutRecordedAndTheLeaseGivenBack() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));

        ConvergeResult result = fleet.convergence().converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOf(ConvergeResult.Applied.class);
        assertThat(((ConvergeResult.Applied) result).changedADroplet()).isTrue();
        assertThat(fleet.digests).containsEntry("d1", V2).containsEntry("d2", V2);
        assertThat(fleet.ledger.history).singleElement().satisfies(record -> {
            assertThat(record.result()).isEqualTo("converged");
            assertThat(record.who()).isEqualTo("tester@host");
            assertThat(record.run()).isEqualTo(fleet.runs.getFirst().run());
        });
        assertThat(fleet.ledger.released).isTrue();
        assertThat(fleet.ledger.lease).isEmpty();
        assertThat(told).containsExactly("starting");
    }

    @Test
    void aLeaseHeldByAnotherLiveApplyIsReportedAndNothingRuns() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        Lease theirs = lease("other", Optional.of("their-process"));
        fleet.ledger.lease = Optional.of(theirs);

        ConvergeResult result = fleet.convergence().converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOfSatisfying(ConvergeResult.Locked.class, locked -> {
            assertThat(locked.holder()).isEqualTo(theirs);
            assertThat(locked.where()).isEqualTo("droplet-1 (~/.fleet/demo)");
        });
        assertThat(fleet.ledger.takeOverAttempts).containsExactly(Optional.empty());
        assertThat(fleet.runs).isEmpty();
        assertThat(fleet.ledger.lease).contains(theirs);
        assertThat(fleet.digests).containsEntry("d1", V1);
    }

    @Test
    void aLeaseWhoseHolderRanHereAndIsGoneIsTakenOverAtOnce() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        fleet.ledger.lease = Optional.of(lease("crashed", Optional.of("dead-process")));
        fleet.goneProcesses.put("dead-process", true);

        ConvergeResult result = fleet.convergence().converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOf(ConvergeResult.Applied.class);
        assertThat(fleet.ledger.takeOverAttempts).containsExactly(Optional.empty(), Optional.of("crashed"));
        assertThat(told).containsExactly("took over crashed (gone)", "starting");
    }

    @Test
    void aLapsedLeaseIsTakenOverAndSaidSo() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        Lease lapsed = new Lease("lapsed", "someone", "abc", FakeFleet.NOW.minusSeconds(600),
                FakeFleet.NOW.minusSeconds(1), Optional.empty());
        fleet.ledger.lease = Optional.of(lapsed);

        fleet.convergence().converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(told).containsExactly("took over lapsed (lapsed)", "starting");
    }

    @Test
    void theFleetIsObservedAgainUnderTheLockWhenAnotherApplyMayHaveRunMeanwhile() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        // Another apply converges the fleet between the first look and the lock: the second look sees it.
        fleet.ledger.quietFor = Optional.empty();
        FakeFleet.FakeLedger ledger = fleet.ledger;
        Convergence racing = new Convergence(fleet.observer(), Balancers::of, state -> {
            fleet.digests.putAll(Map.of("d1", V2, "d2", V2));
            return ledger;
        }, fleet.runner(), fleet.processes(), () -> "tester@host", () -> "run1",
                java.time.Clock.fixed(FakeFleet.NOW, java.time.ZoneOffset.UTC), () -> Convergence.LEASE);

        ConvergeResult result = racing.converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOf(ConvergeResult.NothingToDo.class);
        assertThat(fleet.observations).hasValue(4); // two droplets, looked at twice
        assertThat(fleet.runs).isEmpty();
        assertThat(ledger.released).isTrue();
    }

    @Test
    void aLeaseLengthFleetCannotUseEndsTheApplyBeforeTheLockEvenOnAConvergedFleet() throws Exception {
        fleet.digests.putAll(Map.of("d1", V2, "d2", V2));
        Convergence misconfigured = new Convergence(fleet.observer(), Balancers::of, state -> fleet.ledger,
                fleet.runner(), fleet.processes(), () -> "tester@host", () -> "run1",
                java.time.Clock.fixed(FakeFleet.NOW, java.time.ZoneOffset.UTC), () -> {
                    throw new IllegalArgumentException("FLEET_LOCK_LEASE must be a duration from 8s to 1h");
                });

        ConvergeResult result = misconfigured.converge(state(V1), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOfSatisfying(ConvergeResult.LockUnavailable.class,
                unavailable -> assertThat(unavailable.problem()).startsWith("FLEET_LOCK_LEASE must be"));
        assertThat(fleet.ledger.lease).isEmpty();
        assertThat(fleet.runs).isEmpty();
    }

    @Test
    void theFirstLookStandsWhenNoApplyHasHeldTheLeaseSinceBeforeIt() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        fleet.ledger.quietFor = Optional.of(Duration.ofHours(1));

        ConvergeResult result = fleet.convergence().converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOf(ConvergeResult.Applied.class);
        assertThat(fleet.observations).hasValue(2); // each droplet once
    }

    @Test
    void anUnreachableDropletThatSpendsTheBudgetRefusesTheRolloutRecordsItAndChangesNothing() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        fleet.unreachable.add("d2");

        ConvergeResult result = fleet.convergence().converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOfSatisfying(ConvergeResult.Refused.class,
                refused -> assertThat(refused.reasons()).anySatisfy(r -> assertThat(r).startsWith("max-unavailable is 1 and d2 (")));
        assertThat(fleet.runs).isEmpty();
        assertThat(fleet.ledger.history).singleElement()
                .satisfies(record -> assertThat(record.result()).isEqualTo("refused"));
        assertThat(fleet.ledger.released).isTrue();
    }

    @Test
    void aPlanNobodyConfirmsChangesNothing() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));

        ConvergeResult result = fleet.convergence().converge(state(V2), plan -> false, listener);

        assertThat(result).isInstanceOf(ConvergeResult.Declined.class);
        assertThat(fleet.runs).isEmpty();
        assertThat(fleet.ledger.history).isEmpty();
        assertThat(fleet.ledger.released).isTrue();
    }

    @Test
    void aFailedRolloutIsRecordedAsRolledBack() throws Exception {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        fleet.failRollouts = true;

        ConvergeResult result = fleet.convergence().converge(state(V2), Convergence.Confirmation.ALWAYS, listener);

        assertThat(result).isInstanceOfSatisfying(ConvergeResult.Applied.class,
                applied -> assertThat(applied.result().succeeded()).isFalse());
        assertThat(fleet.ledger.history).singleElement()
                .satisfies(record -> assertThat(record.result()).isEqualTo("rolled-back"));
    }

    private static Lease lease(String run, Optional<String> process) {
        return new Lease(run, "someone@elsewhere", "abc", FakeFleet.NOW.minusSeconds(10), FakeFleet.NOW.plusSeconds(110),
                process);
    }

    static DesiredState state(String digest) {
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", new ImageRef("registry/demo", digest), List.of(), Map.of(), "always", Map.of()),
                List.of(droplet("d1"), droplet("d2")),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(), new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3,
                        Duration.ofSeconds(1)), new DrainSpec("/shutdown", "GET", 80),
                new BalancerSpec.HealthCheck(Duration.ofSeconds(1), 2, 3),
                new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60)));
    }

    private static DropletSpec droplet(String name) {
        return new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty());
    }
}
