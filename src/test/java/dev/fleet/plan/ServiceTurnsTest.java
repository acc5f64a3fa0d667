package dev.fleet.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.balancer.Balancers;
import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.Hooks;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Placement;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.ServiceRole;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.drift.DriftDetector;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.BalancerObservation.ServerState;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.DropletObservation.Reached;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A droplet's turn with several services: one drain, every service in roll order, undone as a whole. */
class ServiceTurnsTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));
    private static final HealthProbe HEALTHY = new HealthProbe(Optional.of(200), List.of());
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration MIN_UPTIME = Duration.ofSeconds(5);
    private static final Duration RUNNING_DEADLINE = Duration.ofSeconds(65);

    private static final DropletSpec WEB_1 = droplet("web-1", "worker");
    private static final DropletSpec DB_1 = droplet("db-1", "db");

    @Test
    void aDropletWhoseWebAndWorkerChangeLeavesRotationOnceAndReturnsWhenBothAreHealthy() {
        DesiredState state = state(V2, V2, V1);

        Plan plan = ready(state, false, all(V1, V1, V1));

        DropletPlan web1 = plan.droplets().getFirst();
        assertThat(web1.steps()).filteredOn(s -> s instanceof Step.Drain).hasSize(1);
        assertThat(kinds(web1.steps())).containsExactly("drain", "await-drained", "remove-container web",
                "start-container web", "await-healthy", "remove-container worker", "start-container worker",
                "await-running worker", "undrain", "verify", "await-in-rotation", "prune-images web",
                "prune-images worker");
        assertThat(web1.steps()).contains(new Step.AwaitRunning("web-1", "worker", MIN_UPTIME, RUNNING_DEADLINE));
        assertThat(web1.why()).contains("worker: IMAGE_DRIFT: runs 111111111111, wants 222222222222");
        assertThat(plan.preflight()).containsExactly(
                new Step.PullImage("web-1", image("web", V2)), new Step.PullImage("web-1", image("worker", V2)),
                new Step.PullImage("db-1", image("web", V2)));
    }

    @Test
    void theTurnsRollbackPutsTheWorkerBackBeforeTheWebAndThenReturnsTheDropletToRotation() {
        Plan plan = ready(state(V2, V2, V1), false, all(V1, V1, V1));

        assertThat(kinds(plan.droplets().getFirst().rollback())).containsExactly("drain", "await-drained",
                "remove-container worker", "start-container worker", "await-running worker", "remove-container web",
                "start-container web", "await-healthy", "undrain", "verify", "await-in-rotation");
    }

    @Test
    void aWorkerAloneChangesWithoutADrain() {
        Plan plan = ready(state(V1, V2, V1), false, all(V1, V1, V1));

        assertThat(plan.droplets()).extracting(DropletPlan::droplet).containsExactly("web-1");
        DropletPlan web1 = plan.droplets().getFirst();
        assertThat(kinds(web1.steps())).containsExactly("remove-container worker", "start-container worker",
                "await-running worker", "prune-images worker");
        assertThat(web1.toDigest()).isEqualTo(V2);
        assertThat(kinds(web1.rollback())).containsExactly("remove-container worker", "start-container worker",
                "await-running worker");
        assertThat(plan.preflight()).containsExactly(new Step.PullImage("web-1", image("worker", V2)));
        assertThat(plan.unchanged()).containsExactly("db-1");
    }

    @Test
    void anAccessoryWaitsWhileAppsChangeAndSaysSo() {
        Plan plan = ready(state(V2, V1, V2), false, all(V1, V1, V1));

        assertThat(plan.droplets()).allSatisfy(p -> assertThat(kinds(p.steps())).doesNotContain("start-container redis"));
        assertThat(plan.notes()).containsExactly("accessory redis on db-1 (IMAGE_DRIFT), replaced in an apply in"
                + " which no app changes, or with --with-accessories");
    }

    @Test
    void aMissingAccessoryIsStartedEvenWhileAppsChange() {
        List<DropletObservation> noKv = List.of(all(V1, V1, V1).get(0), new Reached("db-1", NOW,
                List.of(running("web", V1)), Optional.of(HEALTHY)));

        Plan plan = ready(state(V2, V1, V1), false, noKv);

        assertThat(kinds(plan.droplets().get(1).steps())).contains("start-container web", "start-container redis");
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void anAccessoryChangesInAnApplyOfItsOwnAndIsNeverRolledBack() {
        Plan plan = ready(state(V1, V1, V2), false, all(V1, V1, V1));

        DropletPlan db1 = plan.droplets().getFirst();
        assertThat(kinds(db1.steps())).containsExactly("remove-container redis", "start-container redis",
                "await-running redis", "prune-images redis");
        assertThat(db1.rollback()).isEmpty();
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void withAccessoriesAnAccessoryChangesBesideTheApps() {
        Plan plan = ready(state(V2, V1, V2), true, all(V1, V1, V1));

        assertThat(kinds(plan.droplets().get(1).steps())).contains("start-container web", "start-container redis");
    }

    @Test
    void aServiceThatChangesNowhereLeavesTheDropletUnchanged() {
        Plan plan = ready(state(V1, V1, V1), false, all(V1, V1, V1));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.unchanged()).containsExactly("web-1", "db-1");
    }

    @Test
    void aStartedServiceCarriesItsOwnNameLabelsAndWhatItReplaces() {
        Plan plan = ready(state(V1, V2, V1), false, all(V1, V1, V1));

        ContainerSpec worker = plan.droplets().getFirst().steps().stream()
                .filter(s -> s instanceof Step.StartContainer).map(s -> ((Step.StartContainer) s).container())
                .findFirst().orElseThrow();
        assertThat(worker.name()).isEqualTo("worker");
        assertThat(worker.labels()).containsEntry(FleetLabels.SERVICE, "worker").containsEntry(FleetLabels.DIGEST, V2)
                .containsEntry(FleetLabels.REPLACES, "registry/worker@" + V1);
    }

    @Test
    void aContainerOfAServiceNoLongerInTheStateIsAReportedLeftoverThatOnlyPruneRemoves() {
        ObservedContainer gone = labelled("old-worker", Map.of(FleetLabels.SERVICE, "old-worker", FleetLabels.FLEET, "web"));
        ObservedContainer otherFleets = labelled("their-app", Map.of(FleetLabels.SERVICE, "their-app",
                FleetLabels.FLEET, "their-web"));
        List<DropletObservation> observed = List.of(new Reached("web-1", NOW, List.of(running("web", V1),
                running("worker", V1), gone, otherFleets), Optional.of(HEALTHY)), all(V1, V1, V1).get(1));
        DesiredState state = state(V1, V1, V1);

        Plan kept = ready(state, PlanOptions.DEFAULT, observed);
        Plan pruned = ready(state, new PlanOptions(false, true), observed);

        assertThat(kept.isEmpty()).isTrue();
        assertThat(kept.notes()).containsExactly(
                "leftover container old-worker of service old-worker on web-1 (fleet apply --prune removes it)");
        assertThat(pruned.droplets()).hasSize(1);
        assertThat(pruned.droplets().getFirst().steps())
                .containsExactly(new Step.RemoveContainer("web-1", "old-worker", GRACE));
        assertThat(pruned.preflight()).isEmpty();
    }

    private static ObservedContainer labelled(String name, Map<String, String> labels) {
        return new ObservedContainer("id-" + name, name, Optional.of(V1), "sha256:" + "f".repeat(64),
                "registry/" + name + "@" + V1, "running", 0, Optional.empty(), Optional.of(LONG_AGO),
                Optional.empty(), labels);
    }

    private static List<String> kinds(List<Step> steps) {
        return steps.stream().map(step -> StepText.kind(step) + switch (step) {
            case Step.RemoveContainer r -> " " + r.container();
            case Step.StartContainer s -> " " + s.container().name();
            case Step.AwaitRunning r -> " " + r.container();
            case Step.PruneImages p -> " " + p.service();
            default -> "";
        }).toList();
    }

    private static Plan ready(DesiredState state, boolean withAccessories, List<DropletObservation> droplets) {
        return ready(state, new PlanOptions(withAccessories, false), droplets);
    }

    private static Plan ready(DesiredState state, PlanOptions options, List<DropletObservation> droplets) {
        BalancerObservation up = new BalancerObservation.Servers(Map.of(
                "web-1", new ServerState("UP", 1), "db-1", new ServerState("UP", 1)));
        FleetObservation observation = new FleetObservation(droplets, up, NOW);
        PlanOutcome outcome = Planner.plan(state, observation, DriftDetector.detect(state, observation), "run1",
                Balancers.of(state), options);
        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        return ((PlanOutcome.Ready) outcome).plan();
    }

    /** Every droplet running the digests given, healthy. */
    private static List<DropletObservation> all(String web, String worker, String redis) {
        return List.of(
                new Reached("web-1", NOW, List.of(running("web", web), running("worker", worker)), Optional.of(HEALTHY)),
                new Reached("db-1", NOW, List.of(running("web", web), running("redis", redis)), Optional.of(HEALTHY)));
    }

    private static ObservedContainer running(String name, String digest) {
        return new ObservedContainer("id-" + name, name, Optional.of(digest), "sha256:" + "f".repeat(64),
                "registry/" + name + "@" + digest, "running", 0, Optional.empty(), Optional.of(LONG_AGO),
                Optional.empty(), Map.of(FleetLabels.SERVICE, name));
    }

    private static DesiredState state(String web, String worker, String redis) {
        ServiceSpec webService = new ServiceSpec("web", image("web", web), List.of(), Map.of(), "always", Map.of());
        ServiceSpec workerService = new ServiceSpec("worker", image("worker", worker), webService.container(),
                ServiceRole.WORKER, new Placement.On(List.of("worker")), MIN_UPTIME, Hooks.NONE);
        ServiceSpec redisService = new ServiceSpec("redis", image("redis", redis), webService.container(),
                ServiceRole.ACCESSORY, new Placement.On(List.of("db")), MIN_UPTIME, Hooks.NONE);
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false), webService,
                List.of(WEB_1, DB_1),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(),
                new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3, Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", 80), new BalancerSpec.HealthCheck(Duration.ofSeconds(1), 2, 3),
                new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60)), Optional.empty(),
                Optional.empty(), List.of(webService, workerService, redisService));
    }

    private static ImageRef image(String repository, String digest) {
        return new ImageRef("registry/" + repository, digest);
    }

    private static DropletSpec droplet(String name, String tag) {
        return new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty(), List.of(),
                Map.of(), List.of(tag));
    }
}
