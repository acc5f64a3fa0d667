package dev.fleet.apply;

import dev.fleet.balancer.Balancers;
import dev.fleet.desired.Durations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.CanarySpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.ProxySpec;
import dev.fleet.desired.Revision;
import dev.fleet.desired.OnFailure;
import dev.fleet.desired.ProbeSpec;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.RolloutStrategy;
import dev.fleet.desired.WaveSize;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.drift.DriftDetector;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.plan.ContainerSpec;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.Planner;
import dev.fleet.plan.Step;
import dev.fleet.plan.StepText;
import dev.fleet.report.FailureText;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The executor against an in-memory fleet: droplets whose containers and health live in maps, a
 * balancer that takes droplets out and puts them back after scripted delays, and a clock that only
 * moves when the executor pauses. No test sleeps.
 *
 * <p>The state's timing: a health-check balancer with interval 1s, unhealthy 2, healthy 3 (so 3s
 * settle after drained, 4s after back in rotation); health: 3 successes, 1s apart; min healthy
 * time 5s; health timeout 30s.
 */
@Timeout(10)
class ExecutorTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final String IMAGE_ID = "sha256:" + "f".repeat(64);
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String NEW_IMAGE = "registry/demo@" + V2;
    private static final String OLD_IMAGE = "registry/demo@" + V1;
    private static final String UNHEALTHY = "/health answered 503 (expected 200)";

    private static final Duration SETTLE_DRAINED = Duration.ofSeconds(3);
    private static final Duration SETTLE_IN_ROTATION = Duration.ofSeconds(4);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(30);

    private final FakeClock clock = new FakeClock(T0);
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, FakeDroplet> droplets = new LinkedHashMap<>();
    private final FakeBalancer balancer = new FakeBalancer();
    private final Set<String> badImages = Collections.synchronizedSet(new HashSet<>());

    // ---------------------------------------------------------------- rollout.probe

    @Test
    void aProbeOverMaxFailuresFailsTheDropletInItsTurnWhichIsRolledBackAndTheRolloutStops() throws Exception {
        DesiredState state = probed(OptionalInt.of(2), droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");

        ApplyResult result = executor(state, failingOnceReplaced()).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result)
                .containsExactly(DropletOutcome.Result.ROLLED_BACK, DropletOutcome.Result.SKIPPED);
        assertThat(result.cause()).get().isInstanceOf(ApplyFailure.RolloutStopped.class);
        assertThat(FailureText.of(result)).get().asString().startsWith("d1: rollout.probe failed: the probe at"
                + " http://lb.example.com/ failed 3 times (max-failures 2): refused 3; rolled back to");
        assertThat(result.probe()).get().extracting(ProbeFigures::requests).isEqualTo(3L);
        assertThat(events).filteredOn(event -> event.droplet().equals("d1") && event.action().startsWith("start "))
                .last().extracting(Event::action).isEqualTo("start " + OLD_IMAGE);
        assertThat(events).noneMatch(event -> event.droplet().equals("d2") && event.action().startsWith("remove "));
    }

    @Test
    void withoutMaxFailuresTheProbeOnlyReportsAndTheRolloutGoesOnAsWithout() throws Exception {
        DesiredState state = probed(OptionalInt.empty(), droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");
        Plan plan = plan(state);

        ApplyResult result = executor(state, failingOnceReplaced()).apply(plan);

        assertThat(result.succeeded()).isTrue();
        for (int i = 0; i < 2; i++) {
            assertThat(result.droplets().get(i).steps()).extracting(StepRecord::description)
                    .containsExactlyElementsOf(describe(state, plan.droplets().get(i).steps()));
        }
        assertThat(result.probe()).get().extracting(ProbeFigures::failed).isEqualTo(3L);
    }

    @Test
    void aProbeOverMaxFailuresDuringACanarysSoakFailsTheSoakAndTheCanaryGoesBack() throws Exception {
        DropletSpec[] three = IntStream.rangeClosed(1, 3).mapToObj(i -> droplet("d" + i)).toArray(DropletSpec[]::new);
        DesiredState state = state(new RolloutPolicy(2, true, Duration.ofSeconds(5), HEALTH_TIMEOUT,
                RolloutStrategy.DRAIN_AND_SWAP, RolloutPolicy.DEFAULT_KEEP_IMAGES, List.of(WaveSize.droplets(1),
                        WaveSize.share(100)), OnFailure.REVERT, Optional.of(new CanarySpec(Duration.ofSeconds(60), 0.01,
                                0)), Optional.of(new ProbeSpec(URI.create("http://lb.example.com/"), 10,
                                        Duration.ofSeconds(2), OptionalInt.of(0)))), three);
        IntStream.rangeClosed(1, 3).forEach(i -> runningOld("d" + i));
        AtomicBoolean soaking = new AtomicBoolean();
        TrafficProbe failingInTheSoak = spec -> new TrafficProbe.Running() {
            @Override
            public ProbeFigures figures() {
                if (droplets.get("d1").intent.filter(i -> i.step().equals(RolloutIntent.SOAK)).isPresent()) {
                    soaking.set(true);
                }
                return new ProbeFigures(spec.url().toString(), 50, soaking.get() ? Map.of("timeout", 1L) : Map.of(),
                        Duration.ofSeconds(2));
            }

            @Override
            public ProbeFigures stop() {
                return figures();
            }
        };

        ApplyResult result = executor(state, failingInTheSoak).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result).containsExactly(
                DropletOutcome.Result.ROLLED_BACK, DropletOutcome.Result.SKIPPED, DropletOutcome.Result.SKIPPED);
        assertThat(FailureText.of(result)).hasValueSatisfying(f -> assertThat(f).startsWith("the canary (d1) failed"
                + " its soak: the probe at http://lb.example.com/ failed 1 time (max-failures 0): timeout 1"));
        assertThat(actionsOf("d2")).containsExactly("d2 pull " + NEW_IMAGE);
    }

    /** A probe that sees three refused requests once a new container was started, and none before. */
    private TrafficProbe failingOnceReplaced() {
        return spec -> new TrafficProbe.Running() {
            @Override
            public ProbeFigures figures() {
                boolean replaced = events.stream().anyMatch(event -> event.action().startsWith("start "));
                return new ProbeFigures(spec.url().toString(), 3, replaced ? Map.of("refused", 3L) : Map.of(),
                        Duration.ofSeconds(1));
            }

            @Override
            public ProbeFigures stop() {
                return figures();
            }
        };
    }

    private static DesiredState probed(OptionalInt maxFailures, DropletSpec... droplets) {
        return state(new RolloutPolicy(1, true, Duration.ofSeconds(5), HEALTH_TIMEOUT, RolloutStrategy.DRAIN_AND_SWAP,
                RolloutPolicy.DEFAULT_KEEP_IMAGES, List.of(), OnFailure.STOP, Optional.empty(), Optional.of(
                        new ProbeSpec(URI.create("http://lb.example.com/"), 10, Duration.ofSeconds(2), maxFailures))),
                droplets);
    }

    private Executor executor(DesiredState state, TrafficProbe probe) {
        return new Executor(state, "run1", Executor.Guard.NEVER, this::open, balancer, clock, clock::advance,
                Progress.NONE, probe);
    }

    // ---------------------------------------------------------------- the happy path

    @Test
    void aPlanConvergesAndEveryStepIsRecordedInOrder() throws Exception {
        DesiredState state = state(true, droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");
        Plan plan = plan(state);

        ApplyResult result = executor(state).apply(plan);

        assertThat(result.succeeded()).isTrue();
        assertThat(FailureText.of(result)).isEmpty();
        assertThat(result.droplets()).extracting(DropletOutcome::result)
                .containsExactly(DropletOutcome.Result.CONVERGED, DropletOutcome.Result.CONVERGED);
        for (int i = 0; i < 2; i++) {
            DropletOutcome outcome = result.droplets().get(i);
            DropletPlan planned = plan.droplets().get(i);
            assertThat(outcome.droplet()).isEqualTo(planned.droplet());
            assertThat(outcome.steps()).extracting(StepRecord::description)
                    .containsExactlyElementsOf(describe(state, planned.steps()));
            assertThat(outcome.steps()).allMatch(StepRecord::succeeded);
            assertThat(outcome.fromDigest()).contains(V1);
            assertThat(outcome.toDigest()).isEqualTo(V2);
            assertThat(FailureText.of(outcome)).isEmpty();
        }
        assertThat(result.preflight()).extracting(StepRecord::droplet).containsExactlyInAnyOrder("d1", "d2");
        assertThat(result.preflight()).allMatch(StepRecord::succeeded);

        // Pulls first (in parallel, so in any order), then one droplet at a time.
        assertThat(actions().subList(0, 2)).containsExactlyInAnyOrder("d1 pull " + NEW_IMAGE, "d2 pull " + NEW_IMAGE);
        assertThat(actions().subList(2, actions().size())).containsExactly(
                "d1 drain", "d1 remove demo grace 10s", "d1 start " + NEW_IMAGE, "d1 undrain",
                "d2 drain", "d2 remove demo grace 10s", "d2 start " + NEW_IMAGE, "d2 undrain");

        // Steps follow each other on the clock, and the result's duration is the clock's.
        List<StepRecord> all = new ArrayList<>();
        result.droplets().forEach(o -> all.addAll(o.steps()));
        for (int i = 1; i < all.size(); i++) {
            StepRecord before = all.get(i - 1);
            assertThat(all.get(i).started()).isEqualTo(before.started().plus(before.took()));
        }
        assertThat(result.started()).isEqualTo(T0);
        assertThat(result.took()).isEqualTo(Duration.between(T0, clock.instant())).isPositive();

        for (String name : List.of("d1", "d2")) {
            FakeDroplet d = droplets.get(name);
            assertThat(d.container).get().extracting(ObservedContainer::digest).isEqualTo(Optional.of(V2));
            assertThat(d.closed).as(name + " session closed").isTrue();
        }
        ContainerSpec started = droplets.get("d1").started.getFirst();
        assertThat(started.name()).isEqualTo("demo");
        assertThat(started.restart()).isEqualTo("always");
        assertThat(started.labels()).containsEntry(FleetLabels.SERVICE, "demo").containsEntry(FleetLabels.DIGEST, V2)
                .containsEntry("team", "platform");
    }

    // ---------------------------------------------------------------- waves

    @Test
    void aWaveRollsItsDropletsSideBySideWithinTheBudgetAndTheNextWaveWaitsForItsEnd() throws Exception {
        DropletSpec[] six = IntStream.rangeClosed(1, 6).mapToObj(i -> droplet("d" + i)).toArray(DropletSpec[]::new);
        DesiredState state = inWaves(2, OnFailure.REVERT, List.of(WaveSize.droplets(1), WaveSize.share(50),
                WaveSize.share(100)), six);
        IntStream.rangeClosed(1, 6).forEach(i -> runningOld("d" + i));
        Plan plan = plan(state);
        assertThat(plan.waves().sizes()).containsExactly(1, 3, 2);
        assertThat(plan.waves().parallel()).isEqualTo(2);
        balancer.meet.addAll(List.of("d2", "d3"));

        ApplyResult result = executor(state).apply(plan);

        assertThat(balancer.met.getCount()).as("d2 and d3 out of rotation side by side").isZero();
        assertThat(result.succeeded()).as(FailureText.of(result).orElse("")).isTrue();
        assertThat(result.droplets()).extracting(DropletOutcome::droplet)
                .containsExactly("d1", "d2", "d3", "d4", "d5", "d6");
        assertThat(result.droplets()).allMatch(o -> o.result() == DropletOutcome.Result.CONVERGED);
        assertThat(mostOutAtOnce()).isEqualTo(2);
        // Each wave starts once every droplet of the one before is back in rotation.
        List<String> order = actions().stream().filter(a -> a.endsWith(" drain") || a.endsWith(" undrain")).toList();
        assertThat(order.indexOf("d2 drain")).isGreaterThan(order.indexOf("d1 undrain"));
        for (String second : List.of("d2", "d3", "d4")) {
            assertThat(order.indexOf("d5 drain")).isGreaterThan(order.indexOf(second + " undrain"));
            assertThat(order.indexOf("d6 drain")).isGreaterThan(order.indexOf(second + " undrain"));
        }
    }

    @Test
    void aFailureInTheSecondWaveTakesEveryDropletTheApplyMovedBackWithinTheBudget() throws Exception {
        DropletSpec[] five = IntStream.rangeClosed(1, 5).mapToObj(i -> droplet("d" + i)).toArray(DropletSpec[]::new);
        DesiredState state = inWaves(2, OnFailure.REVERT, List.of(WaveSize.droplets(1), WaveSize.droplets(2)), five);
        IntStream.rangeClosed(1, 5).forEach(i -> runningOld("d" + i));
        droplets.get("d3").startFailures.put(NEW_IMAGE, "no space left on device");
        Plan plan = plan(state);
        assertThat(plan.waves().sizes()).containsExactly(1, 2, 2);

        ApplyResult result = executor(state).apply(plan);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.droplets()).extracting(DropletOutcome::result).containsExactly(
                DropletOutcome.Result.ROLLED_BACK, DropletOutcome.Result.ROLLED_BACK,
                DropletOutcome.Result.ROLLED_BACK, DropletOutcome.Result.SKIPPED, DropletOutcome.Result.SKIPPED);
        for (String name : List.of("d1", "d2", "d3", "d4", "d5")) {
            assertThat(droplets.get(name).container).as(name).get().extracting(ObservedContainer::digest)
                    .isEqualTo(Optional.of(V1));
        }
        assertThat(actionsOf("d4")).containsExactly("d4 pull " + NEW_IMAGE);
        assertThat(mostOutAtOnce()).isLessThanOrEqualTo(2);
        assertThat(FailureText.of(result)).hasValueSatisfying(f -> assertThat(f).startsWith("d3: start")
                .contains("no space left on device").endsWith("every droplet it had moved went back to what it ran"
                        + " before (rollout.on-failure: revert)"));
        assertThat(FailureText.of(result.droplets().getFirst())).hasValueSatisfying(f -> assertThat(f)
                .startsWith("d3's turn failed: its new container failed and it was rolled back")
                .endsWith("rolled back to 111111111111"));
    }

    @Test
    void aFleetWideRevertTakesTheLastMovedBackFirst() throws Exception {
        DesiredState state = inWaves(1, OnFailure.REVERT, List.of(WaveSize.droplets(1), WaveSize.share(100)),
                droplet("d1"), droplet("d2"), droplet("d3"));
        List.of("d1", "d2", "d3").forEach(this::runningOld);
        droplets.get("d3").startFailures.put(NEW_IMAGE, "no space left on device");

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result).containsOnly(DropletOutcome.Result.ROLLED_BACK);
        List<String> order = actions();
        assertThat(order.lastIndexOf("d3 start " + OLD_IMAGE)).isLessThan(order.lastIndexOf("d2 start " + OLD_IMAGE));
        assertThat(order.lastIndexOf("d2 start " + OLD_IMAGE)).isLessThan(order.lastIndexOf("d1 start " + OLD_IMAGE));
    }

    @Test
    void aFleetWideRevertStopsAtOnceWhenTheApplyLosesItsLock() throws Exception {
        DesiredState state = inWaves(1, OnFailure.REVERT, List.of(WaveSize.droplets(1), WaveSize.share(100)),
                droplet("d1"), droplet("d2"), droplet("d3"));
        List.of("d1", "d2", "d3").forEach(this::runningOld);
        droplets.get("d3").startFailures.put(NEW_IMAGE, "no space left on device");
        Executor.Guard lostInTheRevert = () -> droplets.get("d2").intents.stream()
                .anyMatch(i -> i.phase().equals(RolloutIntent.ROLLBACK)) ? Optional.of("lease lost") : Optional.empty();

        ApplyResult result = new Executor(state, "run1", lostInTheRevert, this::open, balancer, clock, clock::advance,
                Progress.NONE).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result).containsExactly(
                DropletOutcome.Result.CONVERGED, DropletOutcome.Result.FAILED, DropletOutcome.Result.ROLLED_BACK);
        assertThat(FailureText.of(result.droplets().get(1))).hasValueSatisfying(f -> assertThat(f)
                .startsWith("stopped before").contains("lease lost"));
        assertThat(actionsOf("d2")).endsWith("d2 drain");
        assertThat(FailureText.of(result)).hasValueSatisfying(f -> assertThat(f).endsWith("the rollout stopped, and"
                + " taking back the droplets it had moved (rollout.on-failure: revert) did not finish: d2, d1 are not"
                + " back on what they ran before (each one's outcome says where it stands), so the fleet runs two"
                + " versions until the next apply"));
    }

    @Test
    void withOnFailureStopTheDropletsAlreadyMovedStayOnTheNewVersion() throws Exception {
        DesiredState state = inWaves(1, OnFailure.STOP, List.of(WaveSize.droplets(1), WaveSize.share(100)),
                droplet("d1"), droplet("d2"), droplet("d3"));
        List.of("d1", "d2", "d3").forEach(this::runningOld);
        droplets.get("d2").startFailures.put(NEW_IMAGE, "no space left on device");

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result).containsExactly(
                DropletOutcome.Result.CONVERGED, DropletOutcome.Result.ROLLED_BACK, DropletOutcome.Result.SKIPPED);
        assertThat(droplets.get("d1").container).get().extracting(ObservedContainer::digest).isEqualTo(Optional.of(V2));
        assertThat(FailureText.of(result)).hasValueSatisfying(f -> assertThat(f)
                .endsWith("the rollout stopped, the droplets after it were not touched"));
    }

    @Test
    void aCanaryThatPassesItsSoakLetsTheNextWaveStartOnlyAfterIt() throws Exception {
        DropletSpec[] four = IntStream.rangeClosed(1, 4).mapToObj(i -> droplet("d" + i)).toArray(DropletSpec[]::new);
        DesiredState state = canary(new CanarySpec(Duration.ofSeconds(10), 0.01, 20), four);
        IntStream.rangeClosed(1, 4).forEach(i -> runningOld("d" + i));
        IntStream.rangeClosed(1, 4).forEach(i -> balancer.perLook.put("d" + i, new long[] {10, i == 1 ? 0 : 1}));

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.succeeded()).as(FailureText.of(result).orElse("")).isTrue();
        StepRecord soak = result.droplets().getFirst().steps().getLast();
        assertThat(soak.description()).startsWith("soak 10s: the canary's health every probe")
                .contains("the canary answered 110 requests, 0 failed (0.00%)");
        assertThat(soak.took()).isEqualTo(Duration.ofSeconds(10));
        assertThat(soak.succeeded()).isTrue();
        assertThat(at("d2 drain")).isAfterOrEqualTo(soak.started().plus(soak.took()));
        assertThat(result.droplets()).allMatch(o -> o.result() == DropletOutcome.Result.CONVERGED);
    }

    @Test
    void aCanaryWhoseRequestsFailMoreThanTheOthersIsTakenBackAndNothingElseIsTouched() throws Exception {
        DropletSpec[] four = IntStream.rangeClosed(1, 4).mapToObj(i -> droplet("d" + i)).toArray(DropletSpec[]::new);
        DesiredState state = canary(new CanarySpec(Duration.ofSeconds(60), 0.01, 20), four);
        IntStream.rangeClosed(1, 4).forEach(i -> runningOld("d" + i));
        IntStream.rangeClosed(1, 4).forEach(i -> balancer.perLook.put("d" + i, new long[] {10, i == 1 ? 5 : 0}));

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result).containsExactly(
                DropletOutcome.Result.ROLLED_BACK, DropletOutcome.Result.SKIPPED, DropletOutcome.Result.SKIPPED,
                DropletOutcome.Result.SKIPPED);
        assertThat(droplets.get("d1").container).get().extracting(ObservedContainer::digest).isEqualTo(Optional.of(V1));
        for (String name : List.of("d2", "d3", "d4")) {
            assertThat(actionsOf(name)).containsExactly(name + " pull " + NEW_IMAGE);
        }
        // Judged at the second look, the first with 20 requests: 10 of them failed against none elsewhere.
        StepRecord soak = result.droplets().getFirst().steps().stream().filter(r -> r.description().startsWith("soak"))
                .findFirst().orElseThrow();
        assertThat(soak.failure()).hasValue("its share of failed requests is 50.00% above the others', more than"
                + " max-error-rate 1.00%");
        assertThat(FailureText.of(result)).hasValueSatisfying(f -> assertThat(f)
                .startsWith("the canary (d1) failed its soak: its share of failed requests is 50.00% above")
                .contains("(the canary answered 20 requests, 10 failed (50.00%); the others 60, 0 failed (0.00%))")
                .endsWith("it went back to what it ran before, and no other droplet was touched"));
        assertThat(FailureText.of(result.droplets().getFirst())).hasValueSatisfying(f -> assertThat(f)
                .startsWith("the canary's soak failed: its share").endsWith("rolled back to 111111111111"));
    }

    @Test
    void aCanaryLeftInItsSoakByADeadApplyIsSoakedAgainByTheNextBeforeAnyOtherDropletMoves() throws Exception {
        DropletSpec[] three = IntStream.rangeClosed(1, 3).mapToObj(i -> droplet("d" + i)).toArray(DropletSpec[]::new);
        DesiredState state = canary(new CanarySpec(Duration.ofSeconds(10), 0.01, 20), three);
        IntStream.rangeClosed(1, 3).forEach(i -> runningOld("d" + i));
        IntStream.rangeClosed(1, 3).forEach(i -> balancer.perLook.put("d" + i, new long[] {10, 0}));
        // The first apply dies once the canary's soak is under way (the guard stands for the kill).
        Executor.Guard killedInTheSoak = () -> droplets.get("d1").intent
                .filter(i -> i.step().equals(RolloutIntent.SOAK)).map(i -> "killed");
        ApplyResult killed = new Executor(state, "run1", killedInTheSoak, this::open, balancer, clock, clock::advance,
                Progress.NONE).apply(plan(state));
        assertThat(FailureText.of(killed)).hasValueSatisfying(f -> assertThat(f)
                .startsWith("d1: stopped before \"the canary's soak\": killed"));
        assertThat(killed.droplets().getFirst().result()).isEqualTo(DropletOutcome.Result.CONVERGED);
        assertThat(droplets.get("d1").intent).get().extracting(RolloutIntent::step).isEqualTo(RolloutIntent.SOAK);
        assertThat(actionsOf("d2")).containsExactly("d2 pull " + NEW_IMAGE);

        Plan resumed = replan(state, "run2");

        assertThat(resumed.droplets()).extracting(DropletPlan::droplet).containsExactly("d1", "d2", "d3");
        assertThat(resumed.waves().sizes().getFirst()).isEqualTo(1);
        assertThat(resumed.waves().canary()).isPresent();
        assertThat(resumed.droplets().getFirst().steps()).isEmpty();
        assertThat(resumed.droplets().getFirst().fromDigest()).contains(V1);
        ApplyResult finished = new Executor(state, "run2", Executor.Guard.NEVER, this::open, balancer, clock,
                clock::advance, Progress.NONE).apply(resumed);

        assertThat(finished.succeeded()).as(FailureText.of(finished).orElse("")).isTrue();
        assertThat(finished.droplets().getFirst().steps()).singleElement().extracting(StepRecord::description)
                .asString().startsWith("soak 10s");
        assertThat(droplets.get("d1").intent).isEmpty();
        assertThat(replan(state, "run3").isEmpty()).as("a third apply has nothing to do").isTrue();
    }

    private static DesiredState canary(CanarySpec canary, DropletSpec... droplets) {
        return state(new RolloutPolicy(2, true, Duration.ofSeconds(5), HEALTH_TIMEOUT, RolloutStrategy.DRAIN_AND_SWAP,
                RolloutPolicy.DEFAULT_KEEP_IMAGES, List.of(WaveSize.droplets(1), WaveSize.share(100)),
                OnFailure.REVERT, Optional.of(canary)), droplets);
    }

    /** The most droplets between a drain and their undrain at any moment, replayed from the actions. */
    private int mostOutAtOnce() {
        Set<String> out = new HashSet<>();
        int most = 0;
        for (String action : actions()) {
            String[] parts = action.split(" ");
            if (parts[1].equals("drain")) {
                out.add(parts[0]);
            } else if (parts[1].equals("undrain")) {
                out.remove(parts[0]);
            }
            most = Math.max(most, out.size());
        }
        return most;
    }

    // ---------------------------------------------------------------- crash safety

    @Test
    void beforeEachStepItsIntentIsOnTheDropletAndTheTurnsEndClearsIt() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        Plan plan = plan(state);

        ApplyResult result = executor(state).apply(plan);

        assertThat(result.succeeded()).isTrue();
        FakeDroplet d1 = droplets.get("d1");
        List<Step> steps = plan.droplets().getFirst().steps();
        assertThat(d1.intents).extracting(RolloutIntent::step)
                .containsExactlyElementsOf(IntStream.range(0, steps.size())
                        .mapToObj(i -> i + ":" + StepText.kind(steps.get(i))).toList());
        assertThat(d1.intents).allSatisfy(intent -> {
            assertThat(intent.run()).isEqualTo("run1");
            assertThat(intent.phase()).isEqualTo(RolloutIntent.FORWARD);
            assertThat(intent.toDigest()).isEqualTo(V2);
            assertThat(intent.fromImage()).contains(OLD_IMAGE);
            assertThat(intent.fromDigest()).contains(V1);
        });
        assertThat(d1.intent).as("cleared once the droplet converged").isEmpty();
        assertThat(d1.container.get().labels()).containsEntry(FleetLabels.ROLLOUT, "run1")
                .containsEntry(FleetLabels.REPLACES, OLD_IMAGE).containsEntry(FleetLabels.REPLACES_DIGEST, V1);
    }

    @Test
    void aFailedIntentRecordIsTheStepsFailureAndTheStepIsNotPerformed() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        droplets.get("d1").intentFailsAtStep = 1; // the wait for the balancer to drop it

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.droplets().getFirst().result()).isEqualTo(DropletOutcome.Result.RESTORED);
        assertThat(actionsOf("d1")).doesNotContain("d1 remove demo grace 10s");
        assertThat(droplets.get("d1").container.get().digest()).contains(V1);
    }

    /**
     * An apply stopped before any one of its steps (a kill between two steps), then a second apply
     * planned from what the droplets say, intents included: the fleet ends converged, never with
     * more than one droplet drained, and the second apply's rollback would go where the first's would.
     */
    @ParameterizedTest(name = "stopped before step {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18})
    void anApplyStoppedBeforeAnyStepIsFinishedByTheNextFromWhatTheDropletsSay(int stopBefore) throws Exception {
        DesiredState state = state(true, droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");
        int[] asked = {0};
        Executor.Guard killedThere = () -> asked[0]++ == stopBefore ? Optional.of("killed") : Optional.empty();
        Executor first = new Executor(state, "run1", killedThere, this::open, balancer, clock, clock::advance,
                Progress.NONE);

        ApplyResult interrupted = first.apply(plan(state));
        assertThat(balancer.drainedAt.size()).as("droplets drained after the first apply").isLessThanOrEqualTo(1);

        Plan resumed = replan(state, "run2");
        resumed.droplets().forEach(d -> assertThat(d.fromDigest()).as(d.droplet() + " goes back to").contains(V1));
        Executor second = new Executor(state, "run2", Executor.Guard.NEVER, this::open, balancer, clock,
                clock::advance, Progress.NONE);
        ApplyResult finished = resumed.isEmpty() ? null : second.apply(resumed);

        assertThat(interrupted.succeeded()).isEqualTo(stopBefore >= 18);
        if (finished != null) {
            assertThat(finished.succeeded()).as(FailureText.of(finished).orElse("")).isTrue();
        }
        for (String name : List.of("d1", "d2")) {
            FakeDroplet d = droplets.get(name);
            assertThat(d.container).as(name).get().extracting(ObservedContainer::digest).isEqualTo(Optional.of(V2));
            assertThat(balancer.drainedAt).as("drained at the end").doesNotContainKey(name);
        }
        assertThat(replan(state, "run3").isEmpty()).as("a third apply has nothing to do").isTrue();
    }

    @Test
    void aResumedDropletWhoseNewContainerNeverGetsHealthyGoesBackToWhatItRanBeforeTheDeadApply() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        Executor.Guard killedAfterStart = new Executor.Guard() {
            int asked;

            @Override
            public Optional<String> stopReason() {
                return asked++ == 4 ? Optional.of("killed") : Optional.empty(); // before AwaitHealthy
            }
        };
        new Executor(state, "run1", killedAfterStart, this::open, balancer, clock, clock::advance, Progress.NONE)
                .apply(plan(state));
        assertThat(droplets.get("d1").container.get().digest()).contains(V2);
        badImages.add(NEW_IMAGE);

        Plan resumed = replan(state, "run1");
        DropletPlan d1 = resumed.droplets().getFirst();
        assertThat(d1.swapped()).isTrue();
        assertThat(d1.why()).contains("run run1 swapped it and did not finish");
        ApplyResult result = executor(state).apply(resumed);

        assertThat(result.droplets().getFirst().result()).isEqualTo(DropletOutcome.Result.ROLLED_BACK);
        assertThat(droplets.get("d1").container.get().imageRef()).isEqualTo(OLD_IMAGE);
        assertThat(balancer.drainedAt).isEmpty();
    }

    // ---------------------------------------------------------------- failures

    @Test
    void aNewContainerThatNeverGetsHealthyIsRolledBackAndTheRestIsSkipped() throws Exception {
        DesiredState state = state(true, droplet("d1"), droplet("d2"), droplet("d3"));
        runningOld("d1");
        runningOld("d2");
        runningOld("d3");
        badImages.add(NEW_IMAGE);
        Plan plan = plan(state);

        ApplyResult result = executor(state).apply(plan);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.droplets()).extracting(DropletOutcome::result).containsExactly(
                DropletOutcome.Result.ROLLED_BACK, DropletOutcome.Result.SKIPPED, DropletOutcome.Result.SKIPPED);
        DropletOutcome d1 = result.droplets().getFirst();
        assertThat(FailureText.of(d1)).hasValueSatisfying(f -> assertThat(f)
                .startsWith("wait until healthy: 3 successes in a row, then 5s healthy (at most 30s) failed:"
                        + " not healthy within 30s: " + UNHEALTHY)
                .endsWith("; rolled back to 111111111111"));
        assertThat(FailureText.of(result)).hasValueSatisfying(f -> assertThat(f)
                .startsWith("d1: wait until healthy")
                .contains("not healthy within 30s: " + UNHEALTHY, "rolled back to 111111111111")
                .endsWith("; the rollout stopped, the droplets after it were not touched"));

        // The steps up to the failed wait, then the whole rollback.
        List<Step> performed = new ArrayList<>(plan.droplets().getFirst().steps().subList(0, 5));
        performed.addAll(plan.droplets().getFirst().rollback());
        assertThat(d1.steps()).extracting(StepRecord::description).containsExactlyElementsOf(describe(state, performed));
        assertThat(d1.steps().get(4).failure()).isPresent();
        assertThat(d1.steps().get(4).took()).isEqualTo(HEALTH_TIMEOUT);
        assertThat(d1.steps().subList(5, d1.steps().size())).allMatch(StepRecord::succeeded);

        // The rollback drains again before it removes anything: the new container may be in rotation.
        assertThat(actionsOf("d1")).containsExactly("d1 pull " + NEW_IMAGE, "d1 drain", "d1 remove demo grace 10s",
                "d1 start " + NEW_IMAGE, "d1 drain", "d1 remove demo grace 10s", "d1 start " + OLD_IMAGE, "d1 undrain");
        assertThat(droplets.get("d1").container).get().extracting(ObservedContainer::digest)
                .isEqualTo(Optional.of(V1));
        for (String name : List.of("d2", "d3")) {
            assertThat(actionsOf(name)).containsExactly(name + " pull " + NEW_IMAGE);
            assertThat(droplets.get(name).container).get().extracting(ObservedContainer::digest)
                    .isEqualTo(Optional.of(V1));
        }
        assertThat(result.droplets().subList(1, 3)).allSatisfy(o -> {
            assertThat(o.steps()).isEmpty();
            assertThat(FailureText.of(o)).isEmpty();
        });
    }

    @Test
    void aRollbackThatFailsToo() throws Exception {
        DesiredState state = state(true, droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");
        badImages.add(NEW_IMAGE);
        droplets.get("d1").startFailures.put(OLD_IMAGE, "No such image: " + OLD_IMAGE);

        ApplyResult result = executor(state).apply(plan(state));

        DropletOutcome d1 = result.droplets().getFirst();
        assertThat(d1.result()).isEqualTo(DropletOutcome.Result.FAILED);
        assertThat(FailureText.of(d1)).hasValueSatisfying(f -> assertThat(f)
                .contains("not healthy within 30s", "; rolling back failed too: start demo on 111111111111: No such image")
                .endsWith("; the droplet is left out of rotation"));
        assertThat(result.droplets().get(1).result()).isEqualTo(DropletOutcome.Result.SKIPPED);
        assertThat(FailureText.of(result)).hasValueSatisfying(f -> assertThat(f).startsWith("d1: ")
                .contains("the droplet is left out of rotation"));
        // Left out of rotation: never undrained, and the rollback stopped at the failed start.
        assertThat(actionsOf("d1")).doesNotContain("d1 undrain").last().isEqualTo("d1 start " + OLD_IMAGE);
        assertThat(d1.steps().getLast().failure()).isPresent();
        assertThat(actionsOf("d2")).containsExactly("d2 pull " + NEW_IMAGE);
    }

    @Test
    void withNoPreviousContainerAFailedNewOneLeavesTheDropletOutOfRotation() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        badImages.add(NEW_IMAGE);

        ApplyResult result = executor(state).apply(plan(state));

        DropletOutcome d1 = result.droplets().getFirst();
        assertThat(d1.result()).isEqualTo(DropletOutcome.Result.FAILED);
        assertThat(FailureText.of(d1)).hasValueSatisfying(f -> assertThat(f).contains("nothing to roll back to")
                .endsWith("the droplet is left out of rotation"));
        assertThat(actionsOf("d1")).containsExactly("d1 pull " + NEW_IMAGE, "d1 drain", "d1 start " + NEW_IMAGE,
                "d1 drain", "d1 remove demo grace 10s");
        assertThat(droplets.get("d1").container).isEmpty();
    }

    @Test
    void withAutoRollbackOffAFailedNewContainerIsRemovedAndTheDropletLeftOut() throws Exception {
        DesiredState state = state(false, droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");
        badImages.add(NEW_IMAGE);

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result)
                .containsExactly(DropletOutcome.Result.FAILED, DropletOutcome.Result.SKIPPED);
        assertThat(FailureText.of(result.droplets().getFirst())).hasValueSatisfying(f -> assertThat(f)
                .contains("nothing to roll back to (automatic rollback off, or no previous container)"));
        assertThat(actionsOf("d1")).containsExactly("d1 pull " + NEW_IMAGE, "d1 drain", "d1 remove demo grace 10s",
                "d1 start " + NEW_IMAGE, "d1 drain", "d1 remove demo grace 10s");
        assertThat(droplets.get("d1").container).isEmpty();
    }

    @Test
    void aFailureRemovingTheOldContainerIsRolledBackNotRestored() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        droplets.get("d1").removeFailures = 1;

        ApplyResult result = executor(state).apply(plan(state));

        DropletOutcome d1 = result.droplets().getFirst();
        assertThat(d1.result()).isEqualTo(DropletOutcome.Result.ROLLED_BACK);
        assertThat(FailureText.of(d1)).hasValueSatisfying(f -> assertThat(f)
                .startsWith("stop (grace 10s) and remove container demo, keeping its image failed: Docker timed out"));
        assertThat(actionsOf("d1")).containsExactly("d1 pull " + NEW_IMAGE, "d1 drain", "d1 remove demo grace 10s",
                "d1 drain", "d1 remove demo grace 10s", "d1 start " + OLD_IMAGE, "d1 undrain");
    }

    @Test
    void aDropletTheBalancerNeverDropsIsRestoredWithNothingRemoved() throws Exception {
        DesiredState state = state(true, droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");
        balancer.neverOut.add("d1");
        Plan plan = plan(state);
        Step.AwaitDrained awaitDrained = (Step.AwaitDrained) plan.droplets().getFirst().steps().get(1);

        ApplyResult result = executor(state).apply(plan);

        DropletOutcome d1 = result.droplets().getFirst();
        assertThat(d1.result()).isEqualTo(DropletOutcome.Result.RESTORED);
        assertThat(FailureText.of(d1)).hasValueSatisfying(f -> assertThat(f)
                .contains("failed: waited " + Durations.setting(awaitDrained.deadline())
                        + " for the balancer to drop it, in vain")
                .endsWith("; put back in rotation unchanged"));
        assertThat(d1.steps()).extracting(StepRecord::description).containsExactlyElementsOf(describe(state,
                List.of(plan.droplets().getFirst().steps().get(0), awaitDrained, new Step.Undrain("d1"))));
        assertThat(d1.steps().get(1).took()).isEqualTo(awaitDrained.deadline());
        assertThat(actionsOf("d1")).containsExactly("d1 pull " + NEW_IMAGE, "d1 drain", "d1 undrain");
        assertThat(droplets.get("d1").container).get().extracting(ObservedContainer::digest)
                .isEqualTo(Optional.of(V1));
        assertThat(result.droplets().get(1).result()).isEqualTo(DropletOutcome.Result.SKIPPED);
        assertThat(actionsOf("d2")).containsExactly("d2 pull " + NEW_IMAGE);
        assertThat(FailureText.of(result)).hasValueSatisfying(f -> assertThat(f).startsWith("d1: ")
                .contains("put back in rotation unchanged"));
    }

    @Test
    void aRefusedDrainIsRestoredWithNothingRemoved() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        balancer.drainFailures.put("d1", "HAProxy refused 'set server app/d1 state drain': No such server.");

        ApplyResult result = executor(state).apply(plan(state));

        DropletOutcome d1 = result.droplets().getFirst();
        assertThat(d1.result()).isEqualTo(DropletOutcome.Result.RESTORED);
        assertThat(FailureText.of(d1)).hasValueSatisfying(f -> assertThat(f).contains("No such server")
                .endsWith("; put back in rotation unchanged"));
        assertThat(d1.steps()).hasSize(2);
        assertThat(actionsOf("d1")).containsExactly("d1 pull " + NEW_IMAGE, "d1 drain", "d1 undrain");
    }

    @Test
    void aRestoreThatFailsIsFailed() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        balancer.neverOut.add("d1");
        balancer.undrainFailures.put("d1", "HAProxy could not be asked: connection refused");

        ApplyResult result = executor(state).apply(plan(state));

        DropletOutcome d1 = result.droplets().getFirst();
        assertThat(d1.result()).isEqualTo(DropletOutcome.Result.FAILED);
        assertThat(FailureText.of(d1)).hasValueSatisfying(f -> assertThat(f)
                .endsWith("; putting it back in rotation failed too: HAProxy could not be asked: connection refused"));
        assertThat(actionsOf("d1")).doesNotContain("d1 remove demo grace 10s");
    }

    @Test
    void aFailedPullDrainsNothingAndSkipsEveryDroplet() throws Exception {
        DesiredState state = state(true, droplet("d1"), droplet("d2"), droplet("d3"));
        runningOld("d1");
        runningOld("d2");
        runningOld("d3");
        droplets.get("d2").pullFailure = "manifest unknown";

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result).containsOnly(DropletOutcome.Result.SKIPPED)
                .hasSize(3);
        assertThat(result.droplets()).allMatch(o -> o.steps().isEmpty());
        assertThat(FailureText.of(result)).contains("preflight failed, nothing was drained: d2: manifest unknown");
        assertThat(result.preflight()).hasSize(3);
        assertThat(result.preflight()).filteredOn(r -> r.droplet().equals("d2")).singleElement()
                .extracting(StepRecord::failure).isEqualTo(Optional.of("manifest unknown"));
        assertThat(actions()).allMatch(a -> a.contains(" pull "), "only pulls");
        assertThat(droplets.values()).allMatch(d -> d.closed, "every session closed");
    }

    @Test
    void anImageStillMissingAfterThePullFailsThePreflight() throws Exception {
        DesiredState state = state(true, droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");
        droplets.get("d1").pullKeepsNothing = true;

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result).containsOnly(DropletOutcome.Result.SKIPPED);
        assertThat(FailureText.of(result))
                .contains("preflight failed, nothing was drained: d1: the image is still missing after the pull");
        assertThat(actions()).noneMatch(a -> a.endsWith(" drain"));
    }

    @Test
    void anUnreachableDropletFailsThePreflightAndTheOthersSessionsAreClosed() throws Exception {
        DesiredState state = state(true, droplet("d1"), droplet("d2"));
        runningOld("d1");
        runningOld("d2");
        droplets.get("d2").unreachable = "connection refused by 127.0.0.1:22";

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.droplets()).extracting(DropletOutcome::result).containsOnly(DropletOutcome.Result.SKIPPED);
        assertThat(FailureText.of(result))
                .contains("preflight failed, nothing was drained: d2: connection refused by 127.0.0.1:22");
        assertThat(result.preflight()).isEmpty();
        assertThat(actions()).isEmpty();
        assertThat(droplets.get("d1").closed).isTrue();
    }

    // ---------------------------------------------------------------- waits

    @Test
    void settleTimesCountFromTheMomentTheConditionWasSeen() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        balancer.outAfter = Duration.ofMillis(1300);  // polled every 200ms: seen 1.4s after the drain
        balancer.backAfter = Duration.ofMillis(2100); // seen 2.2s after the undrain

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.succeeded()).isTrue();
        List<StepRecord> steps = result.droplets().getFirst().steps();
        Instant drained = at("d1 drain");
        Instant seenOut = balancer.seenOut.get("d1");
        assertThat(seenOut).isEqualTo(drained.plusMillis(1400));
        assertThat(end(steps.get(1))).isEqualTo(seenOut.plus(SETTLE_DRAINED));
        assertThat(at("d1 remove demo grace 10s")).isEqualTo(seenOut.plus(SETTLE_DRAINED));

        Instant undrained = at("d1 undrain");
        Instant seenBack = balancer.seenBack.get("d1");
        assertThat(seenBack).isEqualTo(undrained.plusMillis(2200));
        // Not back when first asked: the return's settle counts from the moment it is seen back,
        // not from the (older) first healthy probe.
        // Behind a health-check balancer the droplet is verified before the return wait, which
        // then ends its turn.
        assertThat(steps.get(6).description()).startsWith("verify");
        assertThat(end(steps.get(7))).isEqualTo(seenBack.plus(SETTLE_IN_ROTATION));
    }

    @Test
    void theHealthCheckBalancerSeesTheDrainThroughTheAppsHealth() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        droplets.get("d1").drainTakes = Duration.ofMillis(900); // the app fails its health 0.9s after /shutdown
        Executor executor = new Executor(state, "run1", Executor.Guard.NEVER, this::open, Balancers.of(state),
                clock, clock::advance, Progress.NONE);

        ApplyResult result = executor.apply(plan(state));

        assertThat(result.succeeded()).isTrue();
        Instant drainCalled = at("d1 call drain endpoint GET /shutdown");
        // Polled every 200ms: the failing health is first seen 1.0s after the drain call, then 3s settle.
        assertThat(at("d1 remove demo grace 10s")).isEqualTo(drainCalled.plusMillis(1000).plus(SETTLE_DRAINED));
        // The new container is healthy when AwaitInRotation starts, and its first healthy probe was
        // more than 4s ago (fleet's own health wait is longer): the balancer has had its time.
        StepRecord inRotation = result.droplets().getFirst().steps().get(7);
        assertThat(inRotation.took()).isZero();
    }

    @Test
    void awaitHealthyNeedsConsecutiveSuccessesThenTheMinimumHealthyTime() throws Exception {
        // 3rd success at +2s, then healthy until +2s+5s.
        assertThat(awaitHealthy()).isEqualTo(Duration.ofSeconds(7));
        assertThat(droplets.get("d1").probeTimesSinceStart()).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L,
                6000L, 7000L);
    }

    @Test
    void aFailureBeforeEnoughSuccessesRestartsTheCount() throws Exception {
        // H H F H H H: the 3rd success in a row is at +5s, then 5s healthy.
        assertThat(awaitHealthy(true, true, false)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aFailureDuringTheMinimumHealthyTimeRestartsTheCount() throws Exception {
        // H H H H H H F H H H: 3 in a row at +2s, a failure at +6s (a second before the 5s are up),
        // 3 in a row again at +9s, then 5s healthy.
        assertThat(awaitHealthy(true, true, true, true, true, true, false)).isEqualTo(Duration.ofSeconds(14));
    }

    @Test
    void healthThatKeepsFailingRunsOutTheHealthTimeout() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        badImages.add(NEW_IMAGE);

        ApplyResult result = executor(state).apply(plan(state));

        StepRecord awaitHealthy = result.droplets().getFirst().steps().get(4);
        assertThat(awaitHealthy.failure()).contains("not healthy within 30s: " + UNHEALTHY);
        assertThat(awaitHealthy.took()).isEqualTo(HEALTH_TIMEOUT);
        assertThat(droplets.get("d1").probeTimes).hasSizeGreaterThanOrEqualTo(31);
    }

    @Test
    void aContainerHealthyButNotForLongEnoughByTheDeadlineSaysSo() throws Exception {
        // Keeps failing every 4th probe, so it never stays healthy for 5s.
        Boolean[] flapping = new Boolean[40];
        for (int i = 0; i < flapping.length; i++) {
            flapping[i] = i % 4 != 3;
        }
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        droplets.get("d1").healthAfterStart = List.of(flapping);

        ApplyResult result = executor(state).apply(plan(state));

        StepRecord awaitHealthy = result.droplets().getFirst().steps().get(4);
        assertThat(awaitHealthy.failure()).contains("not healthy within 30s: healthy, but not for long enough");
        assertThat(result.droplets().getFirst().result()).isEqualTo(DropletOutcome.Result.ROLLED_BACK);
    }

    @Test
    void verifyCatchesAContainerThatDiedAfterGettingHealthy() throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        droplets.get("d1").dieBeforeInspect = NEW_IMAGE;

        ApplyResult result = executor(state).apply(plan(state));

        DropletOutcome d1 = result.droplets().getFirst();
        assertThat(d1.steps().get(6).failure()).contains("container demo is exited");
        assertThat(d1.result()).isEqualTo(DropletOutcome.Result.ROLLED_BACK);
        assertThat(droplets.get("d1").container).get().extracting(ObservedContainer::digest)
                .isEqualTo(Optional.of(V1));
    }

    @Test
    void aFailedCheckDuringTheBalancersReturnTimeStartsThatWaitAgain() throws Exception {
        DesiredState state = state(true, Duration.ZERO, droplet("d1"));
        runningOld("d1");
        // Probes after the start: +0s +1s +2s pass (healthy, no minimum time), the verification
        // and the return wait's first look at +2s pass, its probe at +3s fails, +4s passes.
        droplets.get("d1").healthAfterStart = List.of(true, true, true, true, true, false, true);
        Executor executor = new Executor(state, "run1", Executor.Guard.NEVER, this::open, Balancers.of(state),
                clock, clock::advance, Progress.NONE);

        ApplyResult result = executor.apply(plan(state));

        assertThat(result.succeeded()).isTrue();
        List<StepRecord> steps = result.droplets().getFirst().steps();
        StepRecord started = steps.get(3);
        StepRecord back = steps.get(7);
        assertThat(back.description()).startsWith("wait until 4s after it turned healthy");
        // Without the failure the wait would end 4s after the first passing probe (+4s); it counts
        // again from the passing probe at +4s instead.
        assertThat(end(back)).isEqualTo(end(started).plusSeconds(8));
    }

    // ---------------------------------------------------------------- helpers

    /** Replaces one droplet with the given health after its new container starts; returns how long AwaitHealthy took. */
    private Duration awaitHealthy(Boolean... healthAfterStart) throws Exception {
        DesiredState state = state(true, droplet("d1"));
        runningOld("d1");
        droplets.get("d1").healthAfterStart = List.of(healthAfterStart);

        ApplyResult result = executor(state).apply(plan(state));

        assertThat(result.succeeded()).isTrue();
        StepRecord awaitHealthy = result.droplets().getFirst().steps().get(4);
        assertThat(awaitHealthy.description()).startsWith("wait until healthy");
        assertThat(awaitHealthy.started()).isEqualTo(droplets.get("d1").startedAt);
        return awaitHealthy.took();
    }

    private Executor executor(DesiredState state) {
        return new Executor(state, "run1", Executor.Guard.NEVER, this::open, balancer, clock, clock::advance,
                Progress.NONE);
    }

    private DropletSession open(DropletSpec spec) throws ApplyException {
        FakeDroplet droplet = droplets.get(spec.name());
        if (droplet.unreachable != null) {
            throw new ApplyException(droplet.unreachable);
        }
        return droplet;
    }

    private Plan plan(DesiredState state) {
        List<DropletObservation> observed = state.droplets().stream()
                .map(spec -> droplets.computeIfAbsent(spec.name(), FakeDroplet::new).observe())
                .toList();
        FleetObservation observation = new FleetObservation(observed, new BalancerObservation.NotObservable(), T0);
        PlanOutcome outcome = Planner.plan(state, observation, DriftDetector.detect(state, observation), "run1", Balancers.of(state));
        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        Plan plan = ((PlanOutcome.Ready) outcome).plan();
        assertThat(plan.droplets()).isNotEmpty();
        return plan;
    }

    /** A plan from what the droplets and the balancer say now, each droplet's intent included. */
    private Plan replan(DesiredState state, String run) {
        List<DropletObservation> observed = state.droplets().stream().map(spec -> droplets.get(spec.name()).observe())
                .toList();
        Map<String, BalancerObservation.ServerState> servers = new HashMap<>();
        for (DropletSpec spec : state.droplets()) {
            servers.put(spec.serverName(), new BalancerObservation.ServerState(
                    balancer.drainedAt.containsKey(spec.name()) ? "DRAIN" : "UP", 0));
        }
        FleetObservation observation = new FleetObservation(observed, new BalancerObservation.Servers(servers), T0);
        PlanOutcome outcome = Planner.plan(state, observation, DriftDetector.detect(state, observation), run, Balancers.of(state));
        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        return ((PlanOutcome.Ready) outcome).plan();
    }

    private void runningOld(String name) {
        FakeDroplet droplet = droplets.computeIfAbsent(name, FakeDroplet::new);
        droplet.container = Optional.of(container(Optional.of(V1), OLD_IMAGE, "running"));
        droplet.images.add(OLD_IMAGE);
    }

    private static List<String> describe(DesiredState state, List<Step> steps) {
        return steps.stream().map(s -> StepText.describe(s, state, Balancers.of(state))).toList();
    }

    private List<String> actions() {
        synchronized (events) {
            return events.stream().map(e -> e.droplet() + " " + e.action()).toList();
        }
    }

    private List<String> actionsOf(String droplet) {
        return actions().stream().filter(a -> a.startsWith(droplet + " ")).toList();
    }

    private Instant at(String action) {
        synchronized (events) {
            List<Instant> times = events.stream().filter(e -> (e.droplet() + " " + e.action()).equals(action))
                    .map(Event::at).toList();
            assertThat(times).as("times of " + action).hasSize(1);
            return times.getFirst();
        }
    }

    private static Instant end(StepRecord record) {
        return record.started().plus(record.took());
    }

    private void log(String droplet, String action) {
        events.add(new Event(clock.instant(), droplet, action));
    }

    private static ObservedContainer container(Optional<String> digest, String imageRef, String state) {
        return new ObservedContainer("id-" + imageRef.hashCode(), "demo", digest, IMAGE_ID, imageRef, state, 0,
                state.equals("running") ? Optional.empty() : Optional.of(1), Optional.of(T0.minusSeconds(3600)),
                Optional.empty(), Map.of(FleetLabels.SERVICE, "demo"));
    }

    private static DropletSpec droplet(String name) {
        return new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty());
    }

    private static DesiredState state(boolean autoRollback, DropletSpec... droplets) {
        return state(autoRollback, Duration.ofSeconds(5), droplets);
    }

    private static DesiredState state(boolean autoRollback, Duration minHealthyTime, DropletSpec... droplets) {
        return state(new RolloutPolicy(1, autoRollback, minHealthyTime, HEALTH_TIMEOUT), droplets);
    }

    private static DesiredState inWaves(int maxUnavailable, OnFailure onFailure, List<WaveSize> waves,
            DropletSpec... droplets) {
        return state(new RolloutPolicy(maxUnavailable, true, Duration.ofSeconds(5), HEALTH_TIMEOUT,
                RolloutStrategy.DRAIN_AND_SWAP, RolloutPolicy.DEFAULT_KEEP_IMAGES, waves, onFailure), droplets);
    }

    private static DesiredState state(RolloutPolicy rollout, DropletSpec... droplets) {
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", new ImageRef("registry/demo", V2), List.of(), Map.of(), "always",
                        Map.of("team", "platform")),
                List.of(droplets),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(),
                new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(1), 3, Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", 80),
                new BalancerSpec.HealthCheck(Duration.ofSeconds(1), 2, 3),
                rollout);
    }

    private record Event(Instant at, String droplet, String action) {}

    /** A clock that moves only when told: pausing advances it, nothing sleeps. */
    private static final class FakeClock extends Clock {

        private final AtomicReference<Instant> now;

        FakeClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration duration) {
            assertThat(duration).as("pause").isPositive();
            now.updateAndGet(t -> t.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** One droplet: its service container, its local images, and its app's health. */
    private final class FakeDroplet implements DropletSession {

        @Override
        public List<String> pruneImages(String service, ImageRef running, int keep) {
            return List.of();
        }

        /** One-off runs asked for, as "NAME COMMAND..."; each answered with {@link #hookRun}. */
        final List<String> oneOffs = new ArrayList<>();
        HookRun hookRun = new HookRun(Optional.of(0), false, "", Duration.ofSeconds(1));

        @Override
        public HookRun runOnce(ContainerSpec spec, List<String> command, Duration timeout) {
            oneOffs.add(spec.name() + " " + String.join(" ", command));
            return hookRun;
        }

        /** The hook marks recorded, by service, kind and digest: the last one of each. */
        final Map<String, HookMark> hookMarks = new HashMap<>();

        @Override
        public Optional<HookMark> hookMark(String service, String kind, String digest) {
            return Optional.ofNullable(hookMarks.get(service + " " + kind + " " + digest));
        }

        @Override
        public void markHook(String service, String kind, String digest, HookMark mark) {
            hookMarks.put(service + " " + kind + " " + digest, mark);
        }

        final String name;
        Optional<ObservedContainer> container = Optional.empty();
        final Set<String> images = Collections.synchronizedSet(new HashSet<>());
        final List<ContainerSpec> started = new ArrayList<>();
        final Map<String, String> startFailures = new HashMap<>();
        final List<Instant> probeTimes = new ArrayList<>();
        String unreachable;
        /** How many remove calls fail (after taking the container away, as a timed-out call may). */
        int removeFailures;
        String pullFailure;
        boolean pullKeepsNothing;
        /** Probe results after a container of the new image starts; healthy once they run out. */
        List<Boolean> healthAfterStart = List.of();
        Deque<Boolean> healthScript = new ArrayDeque<>();
        Instant startedAt;
        /** How long the app takes to fail its health after its drain endpoint is called. */
        Duration drainTakes = Duration.ZERO;
        Instant drainCalledAt;
        /** A container from this image exits just before verify looks at it. */
        String dieBeforeInspect;
        volatile boolean closed;

        @Override
        public ProxyRoute route(ProxySpec proxy, HealthSpec health) {
            return new ProxyRoute(Optional.empty(), false, "these fakes have no proxy");
        }

        @Override
        public void switchProxy(ProxySpec proxy, String container, int port) throws ApplyException {
            throw new ApplyException("these fakes have no proxy");
        }

        @Override
        public boolean proxyDraining(ProxySpec proxy) {
            return false;
        }

        FakeDroplet(String name) {
            this.name = name;
        }

        /** The intent the executor recorded last, until it ended the droplet's turn. */
        Optional<RolloutIntent> intent = Optional.empty();
        final List<RolloutIntent> intents = new ArrayList<>();

        DropletObservation observe() {
            // Seen as a probe would see it, without taking a scripted answer.
            boolean healthy = !badImages.contains(container.map(ObservedContainer::imageRef).orElse(""))
                    && (drainCalledAt == null || clock.instant().isBefore(drainCalledAt.plus(drainTakes)))
                    && (healthScript.isEmpty() || healthScript.peek());
            Optional<HealthProbe> health = container.filter(ObservedContainer::running)
                    .map(c -> healthy ? healthyProbe() : new HealthProbe(Optional.of(503), List.of(UNHEALTHY)));
            return new DropletObservation.Reached(name, T0, container.stream().toList(), health, intent);
        }

        /** The index of the step whose intent cannot be recorded (the droplet stopped answering). */
        int intentFailsAtStep = -1;

        @Override
        public void recordIntent(RolloutIntent recorded) throws ApplyException {
            if (recorded.step().startsWith(intentFailsAtStep + ":")) {
                throw new ApplyException("the rollout journal could not be written");
            }
            intent = Optional.of(recorded);
            intents.add(recorded);
        }

        @Override
        public void endIntent(String run, String result) {
            assertThat(intent).as("the intent ended").isPresent();
            assertThat(intent.get().run()).isEqualTo(run);
            intent = Optional.empty();
        }

        List<Long> probeTimesSinceStart() {
            return probeTimes.stream().filter(t -> !t.isBefore(startedAt))
                    .map(t -> Duration.between(startedAt, t).toMillis()).limit(8).toList();
        }

        @Override
        public void pull(ImageRef image) throws ApplyException {
            log(name, "pull " + image);
            if (pullFailure != null) {
                throw new ApplyException(pullFailure);
            }
            if (!pullKeepsNothing) {
                images.add(image.reference());
            }
        }

        @Override
        public boolean hasImage(ImageSource image) {
            return images.contains(image.reference());
        }

        @Override
        public Optional<ObservedContainer> container(String containerName) {
            assertThat(containerName).isEqualTo("demo");
            if (dieBeforeInspect != null && container.isPresent()
                    && container.get().imageRef().equals(dieBeforeInspect)) {
                ObservedContainer c = container.get();
                container = Optional.of(new ObservedContainer(c.id(), c.name(), c.digest(), c.imageId(), c.imageRef(),
                        "exited", 0, Optional.of(137), c.startedAt(), Optional.of(clock.instant()), c.labels()));
            }
            return container;
        }

        @Override
        public void removeContainer(String containerName, Duration grace) throws ApplyException {
            log(name, "remove " + containerName + " grace " + Durations.setting(grace));
            container = Optional.empty();
            if (removeFailures > 0) {
                removeFailures--;
                throw new ApplyException("Docker timed out");
            }
        }

        @Override
        public void startContainer(ContainerSpec spec) throws ApplyException {
            String image = spec.image().reference();
            log(name, "start " + image);
            if (container.isPresent()) {
                throw new ApplyException("a container named " + spec.name() + " exists");
            }
            if (startFailures.containsKey(image)) {
                throw new ApplyException(startFailures.get(image));
            }
            started.add(spec);
            Optional<String> digest = spec.image() instanceof ImageRef ref ? Optional.of(ref.digest())
                    : Optional.ofNullable(spec.labels().get(FleetLabels.DIGEST));
            ObservedContainer created = ExecutorTest.container(digest, image, "running");
            container = Optional.of(new ObservedContainer(created.id(), created.name(), created.digest(),
                    created.imageId(), created.imageRef(), created.state(), 0, Optional.empty(), Optional.of(clock.instant()),
                    Optional.empty(), spec.labels()));
            healthScript = new ArrayDeque<>(image.equals(NEW_IMAGE) ? healthAfterStart : List.of());
            startedAt = clock.instant();
            drainCalledAt = null;
        }

        @Override
        public HealthProbe probe(HealthSpec health) {
            probeTimes.add(clock.instant());
            boolean healthy;
            if (container.isEmpty() || !container.get().running() || badImages.contains(container.get().imageRef())) {
                healthy = false;
            } else if (drainCalledAt != null && !clock.instant().isBefore(drainCalledAt.plus(drainTakes))) {
                healthy = false;
            } else if (!healthScript.isEmpty()) {
                healthy = healthScript.pop();
            } else {
                healthy = true;
            }
            return healthy ? healthyProbe() : new HealthProbe(Optional.of(503), List.of(UNHEALTHY));
        }

        @Override
        public void callDrainEndpoint(DrainSpec drain) {
            log(name, "call drain endpoint " + drain.method() + " " + drain.path());
            drainCalledAt = clock.instant();
        }

        @Override
        public void close() {
            closed = true;
        }

        private static HealthProbe healthyProbe() {
            return new HealthProbe(Optional.of(200), List.of());
        }
    }

    /** A balancer that drops a droplet {@code outAfter} its drain and has it back {@code backAfter} its undrain. */
    private final class FakeBalancer implements BalancerControl {

        Duration outAfter = Duration.ZERO;
        Duration backAfter = Duration.ZERO;
        final Set<String> neverOut = ConcurrentHashMap.newKeySet();
        final Map<String, String> drainFailures = new ConcurrentHashMap<>();
        final Map<String, String> undrainFailures = new ConcurrentHashMap<>();
        final Map<String, Instant> drainedAt = new ConcurrentHashMap<>();
        final Map<String, Instant> undrainedAt = new ConcurrentHashMap<>();
        final Map<String, Instant> seenOut = new ConcurrentHashMap<>();
        final Map<String, Instant> seenBack = new ConcurrentHashMap<>();

        /** What each droplet's counters gain at each look, as {requests, failed}; none: counts nothing. */
        final Map<String, long[]> perLook = new ConcurrentHashMap<>();
        final Map<String, RequestCounts> counted = new ConcurrentHashMap<>();

        @Override
        public Optional<Map<String, RequestCounts>> requestCounts(List<DropletSpec> all) {
            if (perLook.isEmpty()) {
                return Optional.empty();
            }
            log("balancer", "counts");
            perLook.forEach((droplet, gain) -> counted.merge(droplet, new RequestCounts(gain[0], gain[1]),
                    RequestCounts::plus));
            return Optional.of(Map.copyOf(counted));
        }

        /** Droplets whose returns to rotation wait for each other, to prove they are in their turns at once. */
        final Set<String> meet = ConcurrentHashMap.newKeySet();
        final CountDownLatch met = new CountDownLatch(2);

        @Override
        public void drain(DropletSpec droplet, DropletSession session) throws ApplyException {
            log(droplet.name(), "drain");
            if (drainFailures.containsKey(droplet.name())) {
                throw new ApplyException(drainFailures.get(droplet.name()));
            }
            drainedAt.put(droplet.name(), clock.instant());
            undrainedAt.remove(droplet.name());
        }

        @Override
        public boolean outOfRotation(DropletSpec droplet, DropletSession session) {
            Instant drained = drainedAt.get(droplet.name());
            boolean out = !neverOut.contains(droplet.name()) && drained != null
                    && !clock.instant().isBefore(drained.plus(outAfter));
            if (out) {
                seenOut.putIfAbsent(droplet.name(), clock.instant());
            }
            return out;
        }

        @Override
        public void undrain(DropletSpec droplet, DropletSession session) throws ApplyException {
            if (meet.contains(droplet.name())) {
                // Neither comes back before both are out: they were out at once, or this waits in vain.
                met.countDown();
                try {
                    met.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            log(droplet.name(), "undrain");
            if (undrainFailures.containsKey(droplet.name())) {
                throw new ApplyException(undrainFailures.get(droplet.name()));
            }
            undrainedAt.put(droplet.name(), clock.instant());
            drainedAt.remove(droplet.name());
        }

        @Override
        public boolean inRotation(DropletSpec droplet, DropletSession session) {
            Instant undrained = undrainedAt.get(droplet.name());
            boolean back = undrained != null && !clock.instant().isBefore(undrained.plus(backAfter));
            if (back) {
                seenBack.putIfAbsent(droplet.name(), clock.instant());
            }
            return back;
        }
    }
}
