package dev.fleet.plan;

import dev.fleet.balancer.Balancers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.ProxySpec;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.RolloutStrategy;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.drift.DriftDetector;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.DropletObservation.Reached;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.RolloutIntent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Blue-green plans, from what a droplet's nginx and engine say, through the real drift detector. */
class BlueGreenPlannerTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final HealthProbe HEALTHY = new HealthProbe(Optional.of(200), List.of());
    private static final HealthProbe FAILING =
            new HealthProbe(Optional.of(503), List.of("/health answered 503 (expected 200)"));
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aFirstApplyStartsBlueChecksItSwitchesNginxAndHasNothingToGoBackTo() {
        DropletPlan plan = only(ready(state(V1, true), droplet(List.of(), noRoute(), Optional.empty())));

        assertThat(plan.steps()).containsExactly(
                start("demo-blue", V1),
                new Step.AwaitColourHealthy("d1", "demo-blue", HEALTH_TIMEOUT),
                new Step.SwitchProxy("d1", "demo-blue"),
                new Step.AwaitProxyRoute("d1", "demo-blue", BlueGreenPlanner.ROUTE_DEADLINE),
                new Step.VerifyColour("d1", "demo-blue", Optional.of(V1)),
                new Step.PruneImages("d1", "demo", new ImageRef("registry/demo", V1), 3));
        assertThat(plan.rollback()).containsExactly(new Step.RemoveContainer("d1", "demo-blue", GRACE));
        assertThat(plan.fromDigest()).isEmpty();
    }

    @Test
    void aNewDigestStartsTheOtherColourAndRemovesTheOldOneOnlyAfterTheSwitchIsVerified() {
        DropletPlan plan = only(ready(state(V2, true),
                droplet(List.of(colour("demo-blue", V1, 49001)), route("demo-blue"), Optional.of(HEALTHY))));

        assertThat(plan.steps()).containsExactly(
                start("demo-green", V2, "registry/demo@" + V1, V1),
                new Step.AwaitColourHealthy("d1", "demo-green", HEALTH_TIMEOUT),
                new Step.SwitchProxy("d1", "demo-green"),
                new Step.AwaitProxyRoute("d1", "demo-green", BlueGreenPlanner.ROUTE_DEADLINE),
                new Step.VerifyColour("d1", "demo-green", Optional.of(V2)),
                new Step.AwaitOldRequests("d1", DRAIN),
                new Step.RemoveContainer("d1", "demo-blue", GRACE),
                new Step.PruneImages("d1", "demo", new ImageRef("registry/demo", V2), 3));
        assertThat(plan.rollback()).containsExactly(
                new Step.SwitchProxy("d1", "demo-blue"),
                new Step.AwaitProxyRoute("d1", "demo-blue", BlueGreenPlanner.ROUTE_DEADLINE),
                new Step.AwaitOldRequests("d1", DRAIN),
                new Step.RemoveContainer("d1", "demo-green", GRACE));
        assertThat(plan.fromDigest()).contains(V1);
    }

    @Test
    void anIdleColourLeftBehindIsReplacedNotReused() {
        DropletPlan plan = only(ready(state(V2, true), droplet(List.of(colour("demo-green", V1, 49002),
                colour("demo-blue", V1, 49001)), route("demo-green"), Optional.of(HEALTHY))));

        assertThat(plan.steps().subList(0, 2)).containsExactly(
                new Step.RemoveContainer("d1", "demo-blue", GRACE),
                start("demo-blue", V2, "registry/demo@" + V1, V1));
    }

    @Test
    void aConvergedDropletIsLeftAlone() {
        Plan plan = ready(state(V1, true),
                droplet(List.of(colour("demo-blue", V1, 49001)), route("demo-blue"), Optional.of(HEALTHY)));

        assertThat(plan.droplets()).isEmpty();
        assertThat(plan.unchanged()).containsExactly("d1");
    }

    @Test
    void anIdleColourBesideALiveOneInSyncIsRemovedOnceNginxHasLetItGo() {
        DropletPlan plan = only(ready(state(V2, true), droplet(List.of(colour("demo-blue", V1, 49001),
                colour("demo-green", V2, 49002)), route("demo-green"), Optional.of(HEALTHY))));

        assertThat(plan.steps()).containsExactly(
                new Step.AwaitOldRequests("d1", DRAIN),
                new Step.RemoveContainer("d1", "demo-blue", GRACE));
        assertThat(plan.rollback()).isEmpty();
    }

    @Test
    void aSwitchToAColourThatFailsWhileAnApplyWasUnderWayIsGivenItsTimeThenUndone() {
        RolloutIntent intent = new RolloutIntent("run-1", "3:switch-proxy", RolloutIntent.FORWARD, V2,
                Optional.of("registry/demo@" + V1), Optional.of(V1), NOW);
        Reached reached = new Reached("d1", NOW, List.of(colour("demo-blue", V1, 49001), colour("demo-green", V2, 49002)),
                Optional.of(FAILING), Optional.of(intent), Optional.of(route("demo-green")));

        DropletPlan plan = only(ready(state(V2, true), reached));

        assertThat(plan.steps()).containsExactly(
                new Step.AwaitColourHealthy("d1", "demo-green", HEALTH_TIMEOUT),
                new Step.VerifyColour("d1", "demo-green", Optional.of(V2)),
                new Step.AwaitOldRequests("d1", DRAIN),
                new Step.RemoveContainer("d1", "demo-blue", GRACE),
                new Step.PruneImages("d1", "demo", new ImageRef("registry/demo", V2), 3));
        assertThat(plan.rollback()).startsWith(new Step.SwitchProxy("d1", "demo-blue"));
        assertThat(plan.fromDigest()).contains(V1);
    }

    @Test
    void anUnhealthyLiveColourOnTheDesiredDigestWithoutAnUnfinishedApplyIsReportedNotReplaced() {
        Plan plan = ready(state(V1, true),
                droplet(List.of(colour("demo-blue", V1, 49001)), route("demo-blue"), Optional.of(FAILING)));

        assertThat(plan.droplets()).isEmpty();
    }

    @Test
    void withAutomaticRollbackOffAFailureLeavesTheDropletAsItIs() {
        DropletPlan plan = only(ready(state(V2, false),
                droplet(List.of(colour("demo-blue", V1, 49001)), route("demo-blue"), Optional.of(HEALTHY))));

        assertThat(plan.rollback()).isEmpty();
    }

    @Test
    void withNoLiveColourAStoppedColourIsRemadeRatherThanARunningOne() {
        ObservedContainer blue = colour("demo-blue", V1, 49001);
        ObservedContainer green = new ObservedContainer("id-g", "demo-green", Optional.of(V1), "sha256:img",
                "registry/demo@" + V1, "exited", 0, Optional.of(1), Optional.empty(), Optional.empty(),
                Map.of(FleetLabels.SERVICE, "demo"));

        DropletPlan plan = only(ready(state(V1, true), droplet(List.of(blue, green), noRoute(), Optional.empty())));

        assertThat(plan.steps().subList(0, 2)).containsExactly(
                new Step.RemoveContainer("d1", "demo-green", GRACE),
                start("demo-green", V1));
    }

    @Test
    void nothingIsDrainedAndNoBudgetIsCountedAcrossSeveralDroplets() {
        DesiredState state = state(V2, true, "d1", "d2");
        Plan plan = ready(state,
                new Reached("d1", NOW, List.of(colour("demo-blue", V1, 49001)), Optional.of(HEALTHY), Optional.empty(),
                        Optional.of(route("demo-blue"))),
                new Reached("d2", NOW, List.of(colour("demo-blue", V1, 49001)), Optional.of(FAILING), Optional.empty(),
                        Optional.of(route("demo-blue"))));

        assertThat(plan.droplets()).extracting(DropletPlan::droplet).containsExactly("d2", "d1");
        assertThat(plan.droplets()).allSatisfy(p -> assertThat(p.steps())
                .noneMatch(s -> s instanceof Step.Drain || s instanceof Step.Undrain));
    }

    // ---------------------------------------------------------------- helpers

    private static DropletPlan only(Plan plan) {
        assertThat(plan.droplets()).hasSize(1);
        return plan.droplets().getFirst();
    }

    private static Plan ready(DesiredState state, Reached... droplets) {
        FleetObservation observation = new FleetObservation(List.of(droplets), new BalancerObservation.NotObservable(),
                NOW);
        PlanOutcome outcome = Planner.plan(state, observation, DriftDetector.detect(state, observation), "run1", Balancers.of(state));
        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        return ((PlanOutcome.Ready) outcome).plan();
    }

    /**
     * The colour as d1's start step must create it: the service's settings, its app port 80 on a free
     * loopback port only, fleet's labels; {@code replaces} is the image and digest of the live colour.
     */
    private static Step.StartColour start(String colour, String digest, String... replaces) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(FleetLabels.SERVICE, "demo");
        labels.put(FleetLabels.FLEET, "demo");
        labels.put(FleetLabels.DIGEST, digest);
        labels.put(FleetLabels.ROLLOUT, "run1");
        if (replaces.length > 0) {
            labels.put(FleetLabels.REPLACES, replaces[0]);
            labels.put(FleetLabels.REPLACES_DIGEST, replaces[1]);
        }
        return new Step.StartColour("d1", new ContainerSpec(colour, new ImageRef("registry/demo", digest),
                List.of(new PortMapping(Optional.of("127.0.0.1"), 0, 80, "tcp")), Map.of(), "always", labels));
    }

    private static Reached droplet(List<ObservedContainer> containers, ProxyRoute route, Optional<HealthProbe> health) {
        return new Reached("d1", NOW, containers, health, Optional.empty(), Optional.of(route));
    }

    private static ProxyRoute route(String colour) {
        return new ProxyRoute(Optional.of(colour), true, "nginx sends to " + colour);
    }

    private static ProxyRoute noRoute() {
        return new ProxyRoute(Optional.empty(), false, "fleet's check server did not answer");
    }

    private static ObservedContainer colour(String name, String digest, int port) {
        return new ObservedContainer("id-" + name, name, Optional.of(digest), "sha256:img", "registry/demo@" + digest,
                "running", 0, Optional.empty(), Optional.of(NOW.minusSeconds(60)), Optional.empty(),
                Map.of(FleetLabels.SERVICE, "demo"), Map.of(80, port));
    }

    private static DesiredState state(String digest, boolean autoRollback, String... droplets) {
        List<DropletSpec> specs = (droplets.length == 0 ? List.of("d1") : List.of(droplets)).stream()
                .map(name -> new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty()))
                .toList();
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", new ImageRef("registry/demo", digest), List.of(), Map.of(), "always", Map.of()),
                specs, new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(), new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3,
                        Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", 80), new BalancerSpec.None(),
                new RolloutPolicy(1, autoRollback, Duration.ofSeconds(10), HEALTH_TIMEOUT, RolloutStrategy.BLUE_GREEN),
                Optional.of(new ProxySpec(80, "/etc/nginx/conf.d/fleet-demo.conf", "fleet_demo", 8099,
                        "sudo -n nginx -t", "sudo -n nginx -s reload", DRAIN)));
    }
}
