package dev.fleet.plan;

import dev.fleet.balancer.Balancers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.LocalImage;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.Secret;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.drift.DriftDetector;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.BalancerObservation.ServerState;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.DropletObservation.Reached;
import dev.fleet.observed.DropletObservation.Unreachable;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.observed.UnreachableReason;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The planner, from observations through the real drift detector. The state's timing is chosen so
 * that every derived duration is a round number worked out by hand below:
 *
 * <ul>
 *   <li>health: interval 1s, timeout 2s, 3 successes; rollout: min healthy 10s, health timeout 60s
 *   <li>health-check balancer: interval 1s, unhealthy 2, healthy 3, so out of rotation after
 *       (2+1) x 1s = 3s and back after (3+1) x 1s = 4s
 *   <li>drain deadline: (1s + 2s) x 5 + 3s = 18s; in-rotation deadline: 4s + 2s x 5 = 14s
 *   <li>per droplet: 3s + 2s (swap) + the longer of fleet's own health wait (2 x 1s + 10s) and the
 *       balancer's 4s, which run at once from the first healthy probe = 17s
 * </ul>
 */
class PlannerTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final String V3 = "sha256:" + "3".repeat(64);
    private static final String IMAGE_ID = "sha256:" + "f".repeat(64);
    private static final String RUN = "run1";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final HealthProbe HEALTHY = new HealthProbe(Optional.of(200), List.of());
    private static final HealthProbe FAILING =
            new HealthProbe(Optional.of(503), List.of("/health answered 503 (expected 200)"));

    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(18);
    private static final Duration IN_ROTATION_DEADLINE = Duration.ofSeconds(14);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PER_DROPLET = Duration.ofSeconds(17);
    private static final Duration GRACE = Duration.ofSeconds(10);

    // ---------------------------------------------------------------- what changes, and in which order

    @Test
    void aFleetInSyncGivesAnEmptyReadyPlan() {
        DesiredState state = state(V1, 1, true, droplet("d1"), droplet("d2"));

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V1), HEALTHY));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.droplets()).isEmpty();
        assertThat(plan.preflight()).isEmpty();
        assertThat(plan.unchanged()).containsExactly("d1", "d2");
        assertThat(plan.estimate()).isEqualTo(Duration.ZERO);
        assertThat(plan.service()).isEqualTo("demo");
        assertThat(plan.revision()).isEqualTo(state.revision());
    }

    @Test
    void driftingDropletsArePlannedInStateOrderWithTheFullDrainAndSwap() {
        DesiredState state = state(V2, 1, true, droplet("c"), droplet("a"), droplet("b"));

        Plan plan = ready(state, reached("a", running(V1), HEALTHY), reached("b", running(V2), HEALTHY),
                reached("c", running(V1), HEALTHY));

        assertThat(plan.droplets()).extracting(DropletPlan::droplet).containsExactly("c", "a");
        assertThat(plan.unchanged()).containsExactly("b");
        DropletPlan c = plan.droplets().getFirst();
        assertThat(c.steps()).containsExactly(
                new Step.Drain("c"),
                new Step.AwaitDrained("c", DRAIN_DEADLINE),
                new Step.RemoveContainer("c", "demo", GRACE),
                start("c", ref(V2), V2, "registry/demo@" + V1, V1),
                new Step.AwaitHealthy("c", HEALTH_TIMEOUT),
                new Step.Undrain("c"),
                new Step.Verify("c", Optional.of(V2)),
                new Step.AwaitInRotation("c", IN_ROTATION_DEADLINE),
                new Step.PruneImages("c", "demo", ref(V2), 3));
        assertThat(c.fromDigest()).contains(V1);
        assertThat(c.toDigest()).isEqualTo(V2);
        assertThat(c.why()).isEqualTo("IMAGE_DRIFT: runs 111111111111, wants 222222222222");
        assertThat(c.estimate()).isEqualTo(PER_DROPLET);
    }

    @Test
    void aDropletWithoutContainerGetsNoRemoveStep() {
        DesiredState state = state(V2, 1, true, droplet("d1"));

        Plan plan = ready(state, new Reached("d1", NOW, List.of(), Optional.empty()));

        DropletPlan d1 = plan.droplets().getFirst();
        assertThat(d1.why()).startsWith("MISSING");
        assertThat(d1.fromDigest()).isEmpty();
        assertThat(d1.steps()).containsExactly(
                new Step.Drain("d1"),
                new Step.AwaitDrained("d1", DRAIN_DEADLINE),
                start("d1", ref(V2), V2),
                new Step.AwaitHealthy("d1", HEALTH_TIMEOUT),
                new Step.Undrain("d1"),
                new Step.Verify("d1", Optional.of(V2)),
                new Step.AwaitInRotation("d1", IN_ROTATION_DEADLINE),
                new Step.PruneImages("d1", "demo", ref(V2), 3));
    }

    @Test
    void aStoppedContainerWithTheRightDigestIsReplacedAndGoesFirst() {
        DesiredState state = state(V2, 1, true, droplet("d1"), droplet("d2"), droplet("d3"));

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V1), HEALTHY),
                new Reached("d3", NOW, List.of(container(Optional.of(V2), "exited", "registry/demo@" + V2)),
                        Optional.empty()));

        assertThat(plan.droplets()).extracting(DropletPlan::droplet).containsExactly("d3", "d1", "d2");
        assertThat(plan.droplets().getFirst().why()).startsWith("STOPPED");
        assertThat(plan.droplets().getFirst().steps()).contains(new Step.RemoveContainer("d3", "demo", GRACE));
    }

    @Test
    void anAlreadyUnhealthyDropletToBeReplacedGoesFirst() {
        DesiredState state = state(V2, 1, true, droplet("d1"), droplet("d2"), droplet("d3"));

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V1), FAILING),
                reached("d3", running(V1), HEALTHY));

        assertThat(plan.droplets()).extracting(DropletPlan::droplet).containsExactly("d2", "d1", "d3");
    }

    @Test
    void aDropletTheBalancerHasDownIsReplacedFirst() {
        DesiredState state = haproxyState(V2, droplet("d1"), droplet("d2"));
        var balancer = new BalancerObservation.Servers(Map.of(
                "d1", new ServerState("UP", 2), "d2", new ServerState("DOWN", 0)));

        PlanOutcome outcome = plan(state, balancer, reached("d1", running(V1), HEALTHY),
                reached("d2", running(V1), HEALTHY));

        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        assertThat(planOf(outcome).droplets()).extracting(DropletPlan::droplet).containsExactly("d2", "d1");
    }

    @Test
    void thePerDropletPinIsTheImageStartedPulledAndVerified() {
        DropletSpec canary = new DropletSpec("d2", "127.0.0.1", 22, "deploy",
                Optional.of(new ImageRef("registry/demo", V3)), Optional.empty());
        DesiredState state = state(V2, 1, true, droplet("d1"), canary);

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V1), HEALTHY));

        DropletPlan d2 = plan.droplets().get(1);
        assertThat(d2.toDigest()).isEqualTo(V3);
        assertThat(d2.steps()).contains(start("d2", ref(V3), V3, "registry/demo@" + V1, V1),
                new Step.Verify("d2", Optional.of(V3)));
        assertThat(plan.preflight()).containsExactly(
                new Step.PullImage("d1", new ImageRef("registry/demo", V2)),
                new Step.PullImage("d2", new ImageRef("registry/demo", V3)));
    }

    @Test
    void theStopGraceIsAtMostHalfTheCommandTimeout() {
        DesiredState base = state(V2, 1, true, droplet("d1"));
        DesiredState state = new DesiredState(base.file(), base.revision(), base.service(), base.droplets(),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(8)),
                base.registry(), base.health(), base.drain(), base.balancer(), base.rollout());

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY));

        assertThat(plan.droplets().getFirst().steps())
                .contains(new Step.RemoveContainer("d1", "demo", Duration.ofSeconds(4)));
        assertThat(plan.droplets().getFirst().rollback())
                .contains(new Step.RemoveContainer("d1", "demo", Duration.ofSeconds(4)));
    }

    // ---------------------------------------------------------------- the unavailability budget

    @Test
    void anUnhealthyDropletWithTheRightDigestIsNotReplacedAndSpendsTheBudget() {
        DesiredState state = state(V2, 1, true, droplet("d1"), droplet("d2"));

        PlanOutcome outcome = plan(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V2), FAILING));

        assertThat(outcome).isInstanceOf(PlanOutcome.Refused.class);
        PlanOutcome.Refused refused = (PlanOutcome.Refused) outcome;
        assertThat(refused.reasons()).containsExactly("max-unavailable is 1 and d2 (UNHEALTHY:"
                + " /health answered 503 (expected 200)) is already out of rotation: draining d1 would take more"
                + " droplets out than allowed. Bring it back first, or raise rollout.max-unavailable");
        assertThat(refused.plan().droplets()).extracting(DropletPlan::droplet).containsExactly("d1");
        assertThat(refused.plan().unchanged()).containsExactly("d2");
    }

    @Test
    void anUnhealthyDropletIsWithinABudgetOfTwo() {
        DesiredState state = state(V2, 2, true, droplet("d1"), droplet("d2"), droplet("d3"));

        PlanOutcome outcome = plan(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V2), FAILING),
                reached("d3", running(V1), HEALTHY));

        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        Plan plan = planOf(outcome);
        assertThat(plan.droplets()).extracting(DropletPlan::droplet).containsExactly("d1", "d3");
        assertThat(plan.unchanged()).containsExactly("d2");
    }

    @Test
    void twoDropletsAlreadyOutSpendABudgetOfTwoAndAreBothNamed() {
        DesiredState state = state(V2, 2, true, droplet("d1"), droplet("d2"), droplet("d3"));

        PlanOutcome outcome = plan(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V2), FAILING),
                reached("d3", running(V2), FAILING));

        assertThat(outcome).isInstanceOf(PlanOutcome.Refused.class);
        assertThat(((PlanOutcome.Refused) outcome).reasons()).singleElement().asString()
                .startsWith("max-unavailable is 2 and d2 (UNHEALTHY: ")
                .contains("d3 (UNHEALTHY: ", " are already out of rotation: draining d1 ", "Bring them back first");
    }

    @Test
    void anUnhealthyDropletSpendsNothingWhenOnlyDropletsAlreadyOutChange() {
        DesiredState state = state(V2, 1, true, droplet("d1"), droplet("d2"));

        PlanOutcome outcome = plan(state, new Reached("d1", NOW, List.of(), Optional.empty()),
                reached("d2", running(V2), FAILING));

        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        assertThat(planOf(outcome).droplets()).extracting(DropletPlan::droplet).containsExactly("d1");
    }

    @Test
    void anUnreachableDropletIsLeftAsItIsAndCountsAgainstTheBudgetAsADropletDown() {
        DesiredState state = state(V2, 1, true, droplet("d1"), droplet("d2"));

        PlanOutcome outcome = plan(state, reached("d1", running(V1), HEALTHY),
                new Unreachable("d2", NOW, UnreachableReason.TIMEOUT, "no answer within 5s"));

        assertThat(outcome).isInstanceOf(PlanOutcome.Refused.class);
        PlanOutcome.Refused refused = (PlanOutcome.Refused) outcome;
        assertThat(refused.reasons()).singleElement().asString()
                .startsWith("max-unavailable is 1 and d2 (unreachable: no answer within 5s) is already out of"
                        + " rotation: draining d1 would take more droplets out than allowed");
        assertThat(refused.plan().droplets()).extracting(DropletPlan::droplet).containsExactly("d1");
        assertThat(refused.plan().unchanged()).doesNotContain("d2");
    }

    @Test
    void withBudgetForItTheOthersAreRolledWhileADropletIsUnreachable() {
        DesiredState state = state(V2, 2, true, droplet("d1"), droplet("d2"), droplet("d3"));

        PlanOutcome outcome = plan(state, new Unreachable("d1", NOW, UnreachableReason.REFUSED, "connection refused"),
                reached("d2", running(V1), HEALTHY), reached("d3", running(V1), HEALTHY));

        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        assertThat(planOf(outcome).droplets()).extracting(DropletPlan::droplet).containsExactly("d2", "d3");
    }

    @Test
    void anUnreachableDropletAloneMakesNoStep() {
        DesiredState state = state(V1, 1, true, droplet("d1"), droplet("d2"));

        PlanOutcome outcome = plan(state, reached("d1", running(V1), HEALTHY),
                new Unreachable("d2", NOW, UnreachableReason.REFUSED, "connection refused"));

        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        assertThat(planOf(outcome).isEmpty()).isTrue();
    }

    @Test
    void haproxyThatCannotBeAskedRefusesAHaproxyPlan() {
        DesiredState state = haproxyState(V2, droplet("d1"));

        PlanOutcome outcome = plan(state, new BalancerObservation.Unavailable("connection refused by haproxy.sock"),
                reached("d1", running(V1), HEALTHY));

        assertThat(outcome).isInstanceOf(PlanOutcome.Refused.class);
        assertThat(((PlanOutcome.Refused) outcome).reasons()).singleElement().asString()
                .startsWith("HAProxy cannot be asked (connection refused by haproxy.sock): ");
    }

    @Test
    void haproxyThatAnswersGivesAReadyPlan() {
        DesiredState state = haproxyState(V2, droplet("d1"));

        PlanOutcome outcome = plan(state, new BalancerObservation.Servers(Map.of("d1", new ServerState("UP", 0))),
                reached("d1", running(V1), HEALTHY));

        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
    }

    // ---------------------------------------------------------------- an apply that did not finish

    private static RolloutIntent intent(String step) {
        return new RolloutIntent("dead1", step, RolloutIntent.FORWARD, V2, Optional.of("registry/demo@" + V1),
                Optional.of(V1), NOW.minusSeconds(30));
    }

    @Test
    void aSwappedDropletADeadApplyLeftDrainedIsBroughtBackFirstAndRollsBackToWhatItRanBefore() {
        DesiredState state = haproxyState(V2, droplet("d1"), droplet("d2"));
        var balancer = new BalancerObservation.Servers(Map.of(
                "d1", new ServerState("UP", 2), "d2", new ServerState("DRAIN", 0)));

        Plan plan = planOf(plan(state, balancer, reached("d1", running(V1), HEALTHY),
                new Reached("d2", NOW, List.of(running(V2)), Optional.of(HEALTHY), Optional.of(intent("5:undrain")))));

        assertThat(plan.droplets()).extracting(DropletPlan::droplet).containsExactly("d2", "d1");
        DropletPlan d2 = plan.droplets().getFirst();
        assertThat(d2.swapped()).isTrue();
        assertThat(d2.steps()).extracting(StepText::kind)
                .containsExactly("await-healthy", "undrain", "await-in-rotation", "verify", "prune-images");
        assertThat(d2.fromDigest()).contains(V1);
        assertThat(d2.rollback()).contains(start("d2", ref(V1), V1));
        assertThat(d2.why()).contains("run dead1 swapped it and did not finish (its last step: 5:undrain)");
    }

    @Test
    void withoutAnIntentADrainedDropletInSyncIsLeftAsSomeoneElseTookItOut() {
        DesiredState state = haproxyState(V2, droplet("d1"));
        var balancer = new BalancerObservation.Servers(Map.of("d1", new ServerState("MAINT", 0)));

        Plan plan = planOf(plan(state, balancer, reached("d1", running(V2), HEALTHY)));

        assertThat(plan.droplets()).isEmpty();
        assertThat(plan.unchanged()).containsExactly("d1");
    }

    @Test
    void aStaleIntentBesideADropletInSyncAndInRotationChangesNothing() {
        DesiredState state = haproxyState(V2, droplet("d1"));
        var balancer = new BalancerObservation.Servers(Map.of("d1", new ServerState("UP", 0)));

        Plan plan = planOf(plan(state, balancer,
                new Reached("d1", NOW, List.of(running(V2)), Optional.of(HEALTHY), Optional.of(intent("7:verify")))));

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void aDropletLeftWithoutContainerRollsBackToWhatTheIntentSaysItRan() {
        DesiredState state = haproxyState(V2, droplet("d1"));
        var balancer = new BalancerObservation.Servers(Map.of("d1", new ServerState("DRAIN", 0)));

        DropletPlan d1 = planOf(plan(state, balancer,
                new Reached("d1", NOW, List.of(), Optional.empty(), Optional.of(intent("3:start-container")))))
                .droplets().getFirst();

        assertThat(d1.swapped()).isFalse();
        assertThat(d1.steps()).extracting(StepText::kind).doesNotContain("remove-container");
        assertThat(d1.fromImage()).contains(ref(V1));
        assertThat(d1.rollback()).contains(start("d1", ref(V1), V1));
    }

    @Test
    void aContainerTheDeadApplyCreatedButNeverStartedIsReplacedAndRollsBackToWhatRanBefore() {
        DesiredState state = haproxyState(V3, droplet("d1"));
        var balancer = new BalancerObservation.Servers(Map.of("d1", new ServerState("DRAIN", 0)));
        ObservedContainer created = container(Optional.of(V2), "created", "registry/demo@" + V2);

        DropletPlan d1 = planOf(plan(state, balancer,
                new Reached("d1", NOW, List.of(created), Optional.empty(), Optional.of(intent("3:start-container")))))
                .droplets().getFirst();

        assertThat(d1.steps()).extracting(StepText::kind).contains("remove-container", "start-container");
        assertThat(d1.fromDigest()).contains(V1);
        assertThat(d1.rollback()).contains(start("d1", ref(V1), V1));
    }

    @Test
    void aDropletsOwnEnvironmentIsMergedOverTheServicesInItsContainerOnly() {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("LOG_LEVEL", new EnvValue.Plain("info"));
        environment.put("REGION", new EnvValue.Plain("none"));
        ServiceSpec service = new ServiceSpec("demo", ref(V2), List.of(), environment, "always", Map.of());
        DropletSpec ams = new DropletSpec("d1", "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty(),
                List.of(), Map.of("REGION", new EnvValue.Plain("ams3"), "SHARD", new EnvValue.Plain("1")));
        DesiredState base = state(V2, 1, true, ams, droplet("d2"));
        DesiredState state = new DesiredState(base.file(), base.revision(), service, base.droplets(), base.ssh(),
                base.registry(), base.health(), base.drain(), base.balancer(), base.rollout());

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V1), HEALTHY));

        Map<String, Map<String, EnvValue>> started = new LinkedHashMap<>();
        for (DropletPlan droplet : plan.droplets()) {
            droplet.steps().stream().filter(Step.StartContainer.class::isInstance).map(Step.StartContainer.class::cast)
                    .forEach(start -> started.put(droplet.droplet(), start.container().environment()));
        }
        assertThat(started.get("d1")).containsExactly(Map.entry("LOG_LEVEL", new EnvValue.Plain("info")),
                Map.entry("REGION", new EnvValue.Plain("ams3")), Map.entry("SHARD", new EnvValue.Plain("1")));
        assertThat(started.get("d2")).containsExactly(Map.entry("LOG_LEVEL", new EnvValue.Plain("info")),
                Map.entry("REGION", new EnvValue.Plain("none")));
    }

    @Test
    void theStartStepCarriesTheWholeContainerWithItsSecretStillOpaque() {
        Secret token = new Secret("s3cr3t-value");
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("LOG_LEVEL", new EnvValue.Plain("info"));
        environment.put("API_TOKEN", new EnvValue.SecretValue(token, "env FLEET_SECRET_API_TOKEN"));
        List<PortMapping> ports = List.of(new PortMapping(Optional.empty(), 80, 8080, "tcp"),
                new PortMapping(Optional.of("127.0.0.1"), 9090, 9090, "tcp"));
        ServiceSpec service = new ServiceSpec("demo", ref(V2), ports, environment, "unless-stopped",
                Map.of("team", "platform"));
        DesiredState base = state(V2, 1, true, droplet("d1"));
        DesiredState state = new DesiredState(base.file(), base.revision(), service, base.droplets(), base.ssh(),
                base.registry(), base.health(), base.drain(), base.balancer(), base.rollout());

        DropletPlan d1 = ready(state, reached("d1", running(V1), HEALTHY)).droplets().getFirst();

        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("team", "platform");
        labels.put(FleetLabels.SERVICE, "demo");
        labels.put(FleetLabels.FLEET, "demo");
        labels.put(FleetLabels.DIGEST, V2);
        labels.put(FleetLabels.ROLLOUT, RUN);
        labels.put(FleetLabels.REPLACES, "registry/demo@" + V1);
        labels.put(FleetLabels.REPLACES_DIGEST, V1);
        // The container's settings are the state's (its labels too); the labels it is created with add fleet's.
        ContainerSpec forward = new ContainerSpec("demo", ref(V2), service.container(), labels);
        assertThat(d1.steps()).contains(new Step.StartContainer("d1", forward));
        Step.StartContainer start = d1.steps().stream().filter(Step.StartContainer.class::isInstance)
                .map(Step.StartContainer.class::cast).findFirst().orElseThrow();
        assertThat(start.container().environment().get("API_TOKEN"))
                .isEqualTo(new EnvValue.SecretValue(token, "env FLEET_SECRET_API_TOKEN"));
        assertThat(start.container().toString()).doesNotContain("s3cr3t-value");
        assertThat(new ArrayList<>(start.container().labels().keySet())).as("the state's labels, then fleet's")
                .containsExactlyElementsOf(labels.keySet());

        // The rollback's container is the same service on the previous image, and replaces nothing.
        Map<String, String> back = new LinkedHashMap<>(labels);
        back.put(FleetLabels.DIGEST, V1);
        back.remove(FleetLabels.REPLACES);
        back.remove(FleetLabels.REPLACES_DIGEST);
        assertThat(d1.rollback()).contains(new Step.StartContainer("d1",
                new ContainerSpec("demo", ref(V1), service.container(), back)));
    }

    // ---------------------------------------------------------------- rollback

    @Test
    void theRollbackStartsThePreviousImageByRepositoryAndDigest() {
        DesiredState state = state(V2, 1, true, droplet("d1"));
        ObservedContainer previous = container(Optional.of(V1), "running", "registry.example.com:5000/team/demo:v1");

        Plan plan = ready(state, reached("d1", previous, HEALTHY));

        assertThat(plan.droplets().getFirst().rollback()).containsExactly(
                new Step.Drain("d1"),
                new Step.AwaitDrained("d1", DRAIN_DEADLINE),
                new Step.RemoveContainer("d1", "demo", GRACE),
                start("d1", new ImageRef("registry.example.com:5000/team/demo", V1), V1),
                new Step.AwaitHealthy("d1", HEALTH_TIMEOUT),
                new Step.Undrain("d1"),
                new Step.Verify("d1", Optional.of(V1)),
                new Step.AwaitInRotation("d1", IN_ROTATION_DEADLINE));
    }

    @Test
    void theRollbackStartsThePreviousImageByIdWhenItsDigestIsUnknown() {
        DesiredState state = state(V2, 1, true, droplet("d1"));
        ObservedContainer local = container(Optional.empty(), "running", "registry/demo:local");

        Plan plan = ready(state, reached("d1", local, HEALTHY));

        DropletPlan d1 = plan.droplets().getFirst();
        assertThat(d1.fromDigest()).isEmpty();
        assertThat(d1.rollback()).contains(start("d1", new LocalImage(IMAGE_ID), ""),
                new Step.Verify("d1", Optional.empty()));
    }

    @Test
    void rollbackImageKeepsARegistryPortAndDropsTagOrDigest() {
        assertThat(PreviousContainers.image(container(Optional.of(V1), "running", "localhost:5000/demo")))
                .isEqualTo(new ImageRef("localhost:5000/demo", V1));
        assertThat(PreviousContainers.image(container(Optional.of(V1), "running", "localhost:5000/demo:v1")))
                .isEqualTo(new ImageRef("localhost:5000/demo", V1));
        assertThat(PreviousContainers.image(container(Optional.of(V1), "running", "registry/demo@" + V1)))
                .isEqualTo(ref(V1));
        assertThat(PreviousContainers.image(container(Optional.of(V1), "running", "")))
                .isEqualTo(new LocalImage(IMAGE_ID));
    }

    @Test
    void theRollbackOfAContainerCreatedFromAnImageIdUsesTheImageId() {
        ObservedContainer byId = container(Optional.of(V1), "running", IMAGE_ID);

        assertThat(PreviousContainers.image(byId)).isEqualTo(new LocalImage(IMAGE_ID));
    }

    @Test
    void theRollbackIsOnlyDrainAndRemoveWhenAutoRollbackIsOff() {
        DesiredState state = state(V2, 1, false, droplet("d1"));

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY));

        assertThat(plan.droplets().getFirst().rollback()).containsExactly(new Step.Drain("d1"),
                new Step.AwaitDrained("d1", DRAIN_DEADLINE), new Step.RemoveContainer("d1", "demo", GRACE));
    }

    @Test
    void theRollbackIsOnlyDrainAndRemoveWhenThereWasNoPreviousContainer() {
        DesiredState state = state(V2, 1, true, droplet("d1"));

        Plan plan = ready(state, new Reached("d1", NOW, List.of(), Optional.empty()));

        assertThat(plan.droplets().getFirst().rollback()).containsExactly(new Step.Drain("d1"),
                new Step.AwaitDrained("d1", DRAIN_DEADLINE), new Step.RemoveContainer("d1", "demo", GRACE));
    }

    // ---------------------------------------------------------------- preflight and estimate

    @Test
    void preflightPullsTheDesiredImageOnlyOnDropletsThatChange() {
        DesiredState state = state(V2, 1, true, droplet("d1"), droplet("d2"), droplet("d3"));

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V2), HEALTHY),
                reached("d3", running(V1), HEALTHY));

        ImageRef v2 = new ImageRef("registry/demo", V2);
        assertThat(plan.preflight()).containsExactly(new Step.PullImage("d1", v2), new Step.PullImage("d3", v2));
    }

    @Test
    void preflightFollowsTheRolloutOrder() {
        DesiredState state = state(V2, 1, true, droplet("d1"), droplet("d2"));

        Plan plan = ready(state, reached("d1", running(V1), HEALTHY), reached("d2", running(V1), FAILING));

        assertThat(plan.preflight()).extracting(Step::droplet).containsExactly("d2", "d1");
    }

    @Test
    void theEstimateGrowsWithTheDroplets() {
        DesiredState one = state(V2, 1, true, droplet("d1"), droplet("d2"), droplet("d3"));

        Plan oneChanges = ready(one, reached("d1", running(V1), HEALTHY), reached("d2", running(V2), HEALTHY),
                reached("d3", running(V2), HEALTHY));
        Plan threeChange = ready(one, reached("d1", running(V1), HEALTHY), reached("d2", running(V1), HEALTHY),
                reached("d3", running(V1), HEALTHY));

        assertThat(oneChanges.estimate()).isEqualTo(PER_DROPLET);
        assertThat(threeChange.estimate()).isEqualTo(PER_DROPLET.multipliedBy(3));
    }

    // ---------------------------------------------------------------- balancer timing

    @Test
    void aHealthCheckBalancerSettlesItsThresholdsPlusOneIntervals() {
        BalancerTiming timing = timing(new BalancerSpec.HealthCheck(Duration.ofSeconds(1), 2, 3));

        assertThat(timing.settleAfterDrained()).isEqualTo(Duration.ofSeconds(3));
        assertThat(timing.settleAfterInRotation()).isEqualTo(Duration.ofSeconds(4));
        assertThat(timing.drainDeadline()).isEqualTo(DRAIN_DEADLINE);
        assertThat(timing.inRotationDeadline()).isEqualTo(IN_ROTATION_DEADLINE);
        assertThat(timing.perDroplet()).isEqualTo(PER_DROPLET);
    }

    @Test
    void aHealthCheckBalancerSettlesScaleWithItsInterval() {
        BalancerTiming timing = timing(new BalancerSpec.HealthCheck(Duration.ofSeconds(10), 3, 5));

        assertThat(timing.settleAfterDrained()).isEqualTo(Duration.ofSeconds(40));
        assertThat(timing.settleAfterInRotation()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void haproxyIsAskedSoThereIsNothingToSettle() {
        BalancerTiming timing = timing(new BalancerSpec.Haproxy(Path.of("haproxy.sock"), "app"));

        assertThat(timing.settleAfterDrained()).isZero();
        assertThat(timing.settleAfterInRotation()).isZero();
        assertThat(timing.drainDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(timing.inRotationDeadline()).isEqualTo(HEALTH_TIMEOUT);
        // 0.5s drain + 2s swap + (2 x 1s + 10s) healthy + 0.5s back
        assertThat(timing.perDroplet()).isEqualTo(Duration.ofSeconds(15));
    }

    // ---------------------------------------------------------------- helpers

    private static Plan ready(DesiredState state, DropletObservation... droplets) {
        PlanOutcome outcome = plan(state, droplets);
        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        return planOf(outcome);
    }

    private static Plan planOf(PlanOutcome outcome) {
        return switch (outcome) {
            case PlanOutcome.Ready r -> r.plan();
            case PlanOutcome.Refused r -> r.plan();
        };
    }

    private static PlanOutcome plan(DesiredState state, DropletObservation... droplets) {
        return plan(state, new BalancerObservation.NotObservable(), droplets);
    }

    private static PlanOutcome plan(DesiredState state, BalancerObservation balancer, DropletObservation... droplets) {
        FleetObservation observation = new FleetObservation(List.of(droplets), balancer, NOW);
        return Planner.plan(state, observation, DriftDetector.detect(state, observation), RUN, Balancers.of(state));
    }

    private static ImageRef ref(String digest) {
        return new ImageRef("registry/demo", digest);
    }

    /**
     * The service's container as a start step must create it: the state's settings (none here but the
     * restart policy) and fleet's labels; {@code replaces} is the image and digest a forward step replaces.
     */
    private static Step.StartContainer start(String droplet, ImageSource image, String digest, String... replaces) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(FleetLabels.SERVICE, "demo");
        labels.put(FleetLabels.FLEET, "demo");
        if (!digest.isEmpty()) {
            labels.put(FleetLabels.DIGEST, digest);
        }
        labels.put(FleetLabels.ROLLOUT, RUN);
        if (replaces.length > 0) {
            labels.put(FleetLabels.REPLACES, replaces[0]);
            labels.put(FleetLabels.REPLACES_DIGEST, replaces[1]);
        }
        return new Step.StartContainer(droplet, new ContainerSpec("demo", image, List.of(), Map.of(), "always", labels));
    }

    private static Reached reached(String droplet, ObservedContainer container, HealthProbe health) {
        return new Reached(droplet, NOW, List.of(container), Optional.of(health));
    }

    private static ObservedContainer running(String digest) {
        return container(Optional.of(digest), "running", "registry/demo@" + digest);
    }

    private static ObservedContainer container(Optional<String> digest, String state, String imageRef) {
        return new ObservedContainer("id-demo", "demo", digest, IMAGE_ID, imageRef, state, 0,
                state.equals("running") ? Optional.empty() : Optional.of(1), Optional.of(NOW.minusSeconds(3600)),
                Optional.empty(), Map.of(FleetLabels.SERVICE, "demo"));
    }

    private static DropletSpec droplet(String name) {
        return new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty());
    }

    @Test
    void behindHaproxyTheDropletIsVerifiedOnceHaproxyHasItBack() {
        DesiredState state = haproxyState(V2, droplet("d1"));

        Plan plan = ready(state, new Reached("d1", NOW, List.of(), Optional.empty()));

        List<Step> steps = plan.droplets().getFirst().steps();
        assertThat(steps.subList(steps.size() - 3, steps.size())).containsExactly(
                new Step.AwaitInRotation("d1", Balancers.of(state).timing(state.health(), state.rollout())
                        .inRotationDeadline()),
                new Step.Verify("d1", Optional.of(V2)),
                new Step.PruneImages("d1", "demo", ref(V2), 3));
    }

    /** The timing of {@code balancer}'s kind, for this test's health and rollout settings. */
    private static BalancerTiming timing(BalancerSpec balancer) {
        return Balancers.of(state(V1, balancer, rollout(1, true))).timing(health(), rollout(1, true));
    }

    private static HealthSpec health() {
        return new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3, Duration.ofSeconds(1));
    }

    private static RolloutPolicy rollout(int maxUnavailable, boolean autoRollback) {
        return new RolloutPolicy(maxUnavailable, autoRollback, Duration.ofSeconds(10), HEALTH_TIMEOUT);
    }

    private static DesiredState state(String digest, int maxUnavailable, boolean autoRollback, DropletSpec... droplets) {
        return state(digest, new BalancerSpec.HealthCheck(Duration.ofSeconds(1), 2, 3), rollout(maxUnavailable, autoRollback),
                droplets);
    }

    private static DesiredState haproxyState(String digest, DropletSpec... droplets) {
        return state(digest, new BalancerSpec.Haproxy(Path.of("haproxy.sock"), "app"), rollout(1, true), droplets);
    }

    private static DesiredState state(String digest, BalancerSpec balancer, RolloutPolicy rollout,
            DropletSpec... droplets) {
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", new ImageRef("registry/demo", digest), List.of(), Map.of(), "always", Map.of()),
                Arrays.stream(droplets).collect(Collectors.toList()),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(), health(), new DrainSpec("/shutdown", "GET", 80), balancer, rollout);
    }
}
