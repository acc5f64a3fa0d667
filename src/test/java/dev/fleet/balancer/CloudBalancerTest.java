package dev.fleet.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.Executor;
import dev.fleet.apply.Progress;
import dev.fleet.apply.StepRecord;
import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.CloudProvider;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.Secret;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.drift.DriftDetector;
import dev.fleet.infra.digitalocean.DigitalOceanLoadBalancer;
import dev.fleet.infra.digitalocean.FakeDigitalOcean.Canned;
import dev.fleet.infra.digitalocean.FakeDigitalOcean;
import dev.fleet.infra.http.ApiToken;
import dev.fleet.infra.http.RetryPolicy;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.plan.BalancerTiming;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.Planner;
import dev.fleet.plan.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code balancer: kind: digitalocean} through {@link CloudBalancer}, over real HTTP to a loopback
 * server that follows DigitalOcean's documented API, on a clock that moves only when fleet pauses.
 */
class CloudBalancerTest {

    private static final String TOKEN = "dop_v1_never-shown-Hq7Zt2";
    private static final String VARIABLE = "FLEET_SECRET_DIGITALOCEAN_TOKEN";
    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final long D1 = 3164444;
    private static final long OTHER = 3164445;
    private static final String RUN = "run1";

    private final MovingClock clock = new MovingClock(T0);
    private final FakeDigitalOcean digitalocean = new FakeDigitalOcean(TOKEN, clock);
    private final List<Duration> retryPauses = Collections.synchronizedList(new ArrayList<>());
    private final DesiredState state = state(Duration.ofSeconds(15));
    private final CloudBalancer balancer = balancer(state, TOKEN);
    private final DropletSpec d1 = state.droplets().getFirst();
    private final OneDroplet droplet = new OneDroplet(clock, Optional.of(OneDroplet.running(V1, T0.minusSeconds(3600))));

    CloudBalancerTest() throws IOException {
        digitalocean.balancer(FakeDigitalOcean.BALANCER, D1, OTHER);
        digitalocean.healthCheck(FakeDigitalOcean.BALANCER, 10, 3, 5);
    }

    @AfterEach
    void close() {
        digitalocean.close();
    }

    @Test
    void anApplyRemovesTheDropletWaitsTheDrainTimeAndAddsItBackOnceTheBalancerHadTimeToPassIt() throws Exception {
        Plan plan = plan(observe());
        Map<String, Instant> started = new ConcurrentHashMap<>();

        ApplyResult result = new Executor(state, RUN, Executor.Guard.NEVER, spec -> droplet, balancer, clock,
                clock::advance, recording(started)).apply(plan);

        assertThat(result.cause()).as(result.toString()).isEmpty();
        FakeDigitalOcean.Request removed = digitalocean.requests("DELETE").getFirst();
        FakeDigitalOcean.Request added = digitalocean.requests("POST").getFirst();
        assertThat(digitalocean.requests("DELETE")).hasSize(1);
        assertThat(removed.body()).isEqualTo("{\"droplet_ids\":[" + D1 + "]}");
        assertThat(added.body()).isEqualTo("{\"droplet_ids\":[" + D1 + "]}");
        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactlyInAnyOrder(D1, OTHER);
        // Out of the balancer, then the drain wait, before its container is stopped.
        assertThat(Duration.between(removed.at(), T0.plus(droplet.at("remove")))).isGreaterThanOrEqualTo(
                Duration.ofSeconds(15));
        // Back in, then 10s x (3 + 1) with the app checked every second, before fleet calls it in rotation.
        Duration back = Duration.between(added.at(), started.get("verify"));
        assertThat(back).isGreaterThanOrEqualTo(Duration.ofSeconds(40)).isLessThan(Duration.ofSeconds(42));
        assertThat(droplet.probes.stream().filter(p -> p.isAfter(added.at()) && p.isBefore(added.at().plusSeconds(40))))
                .hasSizeBetween(38, 42);
    }

    @Test
    void drainRemovesExactlyThatDroplet() throws Exception {
        balancer.drain(d1, droplet);

        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactly(OTHER);
        assertThat(digitalocean.requests("DELETE")).singleElement().extracting(FakeDigitalOcean.Request::body)
                .isEqualTo("{\"droplet_ids\":[" + D1 + "]}");
        assertThat(balancer.outOfRotation(d1, droplet)).isTrue();
        assertThat(balancer.timing(state.health(), state.rollout()).settleAfterDrained()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void theEstimateOfADropletsTurnCountsTheBalancersOwnChecksOnceItWasRead() throws Exception {
        Duration unread = balancer.timing(state.health(), state.rollout()).perDroplet();

        balancer.observe(state);
        Duration read = balancer.timing(state.health(), state.rollout()).perDroplet();

        // Every 10s, healthy after 3 passes, plus one interval: 40s instead of half a second.
        assertThat(read.minus(unread)).isEqualTo(Duration.ofSeconds(40).minus(BalancerTiming.ASKED_BACK));
    }

    @Test
    void aDropletAlreadyOutIsNotRemovedAgain() throws Exception {
        digitalocean.balancer(FakeDigitalOcean.BALANCER, OTHER);

        balancer.drain(d1, droplet);

        assertThat(digitalocean.requests("DELETE")).isEmpty();
    }

    @Test
    void undrainAddsItBackAndItIsInRotationOnceTheHealthCheckHadItsTimeWithTheAppHealthy() throws Exception {
        digitalocean.balancer(FakeDigitalOcean.BALANCER, OTHER);

        balancer.undrain(d1, droplet);

        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactlyInAnyOrder(D1, OTHER);
        assertThat(inRotationAt(Duration.ZERO)).isFalse();
        assertThat(inRotationAt(Duration.ofSeconds(39))).isFalse();
        assertThat(inRotationAt(Duration.ofSeconds(40))).isTrue();
        assertThat(droplet.probes).isNotEmpty();
    }

    @Test
    void aFailedCheckWhileItComesBackStartsTheBalancersTimeAgain() throws Exception {
        balancer.undrain(d1, droplet);
        assertThat(inRotationAt(Duration.ZERO)).isFalse();

        droplet.healthy = false;
        assertThat(inRotationAt(Duration.ofSeconds(5))).isFalse();
        droplet.healthy = true;
        assertThat(inRotationAt(Duration.ofSeconds(6))).isFalse();

        assertThat(inRotationAt(Duration.ofSeconds(45))).isFalse();
        assertThat(inRotationAt(Duration.ofSeconds(46))).isTrue();
    }

    @Test
    void aDropletTakenOutByAnotherWhileItComesBackFailsClearly() throws Exception {
        balancer.undrain(d1, droplet);
        digitalocean.balancer(FakeDigitalOcean.BALANCER, OTHER);

        ApplyException e = catchThrowableOfType(ApplyException.class, () -> inRotationAt(Duration.ofSeconds(40)));

        assertThat(e.getMessage()).contains("droplet-1 (droplet " + D1 + ") is no longer in the DigitalOcean load"
                + " balancer");
        assertThat(e.isTransient()).isFalse();
    }

    @Test
    void aRateLimitThenSuccessIsWaitedOutAndTheDrainSucceeds() throws Exception {
        digitalocean.queue(Canned.burstLimited(3));

        balancer.drain(d1, droplet);

        assertThat(retryPauses).containsExactly(Duration.ofSeconds(3));
        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactly(OTHER);
    }

    @Test
    void aServerErrorInTheMiddleOfADrainIsTriedAgain() throws Exception {
        digitalocean.queue("DELETE", Canned.serverError());

        balancer.drain(d1, droplet);

        assertThat(digitalocean.requests()).extracting(FakeDigitalOcean.Request::method)
                .containsExactly("GET", "DELETE", "GET", "DELETE");
        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactly(OTHER);
    }

    @Test
    void aServerErrorThatPersistsIsATransientFailureThatSaysSo() {
        for (int i = 0; i < 4; i++) {
            digitalocean.queue("DELETE", Canned.serverError());
        }

        ApplyException e = catchThrowableOfType(ApplyException.class, () -> balancer.drain(d1, droplet));

        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains("failed to remove droplet " + D1 + " (HTTP 500: server_error: Unexpected"
                + " server-side error", "tried 4 times");
        assertThat(retryPauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactlyInAnyOrder(D1, OTHER);
    }

    @Test
    void aRefusedTokenIsTerminalAndSaysWhichVariableToFix() throws Exception {
        CloudBalancer wrong = balancer(state, "dop_v1_revoked");

        ApplyException e = catchThrowableOfType(ApplyException.class, () -> wrong.drain(d1, droplet));

        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).startsWith("the token in " + VARIABLE + " was refused").contains("HTTP 401")
                .doesNotContain("dop_v1_revoked");
        assertThat(retryPauses).isEmpty();
        assertThat(digitalocean.requests("DELETE")).isEmpty();
    }

    @Test
    void anUnknownBalancerIsTerminal() {
        digitalocean.queue(Canned.error(404, "not_found", "The resource you requested could not be found."));

        ApplyException e = catchThrowableOfType(ApplyException.class, () -> balancer.undrain(d1, droplet));

        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("HTTP 404: not_found", "balancer.load-balancer-id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"new", "errored"})
    void aBalancerThatIsNotActiveMakesThePlanRefuseToDrain(String status) {
        digitalocean.status(FakeDigitalOcean.BALANCER, status);

        PlanOutcome outcome = Planner.plan(state, observe(), DriftDetector.detect(state, observe()), RUN, balancer);

        assertThat(outcome).isInstanceOf(PlanOutcome.Refused.class);
        assertThat(((PlanOutcome.Refused) outcome).reasons()).singleElement().asString()
                .startsWith("the DigitalOcean load balancer cannot be used (DigitalOcean load balancer "
                        + FakeDigitalOcean.BALANCER)
                .contains("(example-lb-01) is " + status + ", not active");
    }

    @Test
    void aBalancerThatIsNotActiveIsNotDrainedThroughEvenWhenAskedDirectly() {
        digitalocean.status(FakeDigitalOcean.BALANCER, "errored");

        ApplyException e = catchThrowableOfType(ApplyException.class, () -> balancer.drain(d1, droplet));

        assertThat(e.getMessage()).contains("is errored, not active", "fleet takes no droplet out of it");
        assertThat(digitalocean.requests("DELETE")).isEmpty();
    }

    @Test
    void aBalancerThatSelectsItsDropletsByTagIsReportedUnusable() {
        digitalocean.tag(FakeDigitalOcean.BALANCER, "prod:web");

        assertThat(balancer.observe(state)).isInstanceOfSatisfying(BalancerObservation.Unavailable.class,
                unavailable -> assertThat(unavailable.reason()).contains("tag 'prod:web'"));
    }

    @Test
    void observingSaysWhichDropletsTheBalancerLists() {
        assertThat(balancer.observe(state)).isEqualTo(new BalancerObservation.Servers(Map.of("droplet-1",
                new BalancerObservation.ServerState(CloudBalancer.UP, 0))));

        digitalocean.balancer(FakeDigitalOcean.BALANCER, OTHER);

        assertThat(balancer.observe(state)).isEqualTo(new BalancerObservation.Servers(Map.of("droplet-1",
                new BalancerObservation.ServerState(CloudBalancer.NOT_IN_BALANCER, 0))));
    }

    @Test
    void theLastDropletInTheBalancerIsNeverTakenOut() {
        digitalocean.balancer(FakeDigitalOcean.BALANCER, D1);

        ApplyException e = catchThrowableOfType(ApplyException.class, () -> balancer.drain(d1, droplet));

        assertThat(e.getMessage()).contains("is the only droplet in the DigitalOcean load balancer");
        assertThat(digitalocean.requests("DELETE")).isEmpty();
    }

    @Test
    void twoDrainsAtOnceNeverTakeOutTheLastTwoDroplets() throws Exception {
        DesiredState two = state(Duration.ofSeconds(15), "droplet-2", OTHER);
        CloudBalancer shared = balancer(two, TOKEN);
        digitalocean.balancer(FakeDigitalOcean.BALANCER, D1, OTHER);
        List<Callable<String>> drains = two.droplets().stream().<Callable<String>>map(spec -> () -> {
            try {
                shared.drain(spec, droplet);
                return "drained";
            } catch (ApplyException e) {
                return e.getMessage();
            }
        }).toList();

        List<String> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (Future<String> outcome : pool.invokeAll(drains)) {
                outcomes.add(outcome.get());
            }
        }

        assertThat(outcomes).filteredOn("drained"::equals).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o.contains("is the only droplet")).hasSize(1);
        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).hasSize(1);
    }

    @Test
    void aReturnLongerThanFleetWaitsForItIsRefusedBeforeAnythingIsTakenOut() {
        digitalocean.healthCheck(FakeDigitalOcean.BALANCER, 30, 5, 3);

        ApplyException e = catchThrowableOfType(ApplyException.class, () -> balancer.drain(d1, droplet));

        assertThat(e.getMessage()).contains("takes up to 180s to send a droplet traffic again",
                "raise rollout.health-timeout to at least 183s");
        assertThat(digitalocean.requests("DELETE")).isEmpty();
    }

    @Test
    void theTokenNeverAppearsInAnyMessageTextOrRecord() throws Exception {
        List<String> texts = new ArrayList<>();
        digitalocean.queue(Canned.error(400, "bad_request", "bad header: Bearer " + TOKEN));
        texts.add(catchThrowableOfType(ApplyException.class, () -> balancer.drain(d1, droplet)).getMessage());
        digitalocean.queue(Canned.error(401, "unauthorized", "Unable to authenticate you."));
        BalancerObservation unreadable = balancer.observe(state);
        texts.add(unreadable.toString());
        texts.add(balancer.refusalWhenUnreadable(((BalancerObservation.Unavailable) unreadable).reason()).orElseThrow());
        digitalocean.status(FakeDigitalOcean.BALANCER, "errored");
        texts.add(Planner.plan(state, observe(), DriftDetector.detect(state, observe()), RUN, balancer).toString());
        digitalocean.status(FakeDigitalOcean.BALANCER, "active");
        for (int i = 0; i < 4; i++) {
            digitalocean.queue("DELETE", Canned.error(503, "service_unavailable", "echo " + TOKEN));
        }
        Plan plan = plan(observe());
        texts.add(plan.toString());
        List<StepRecord> records = Collections.synchronizedList(new ArrayList<>());
        texts.add(new Executor(state, RUN, Executor.Guard.NEVER, spec -> droplet, balancer, clock, clock::advance,
                recording(records)).apply(plan).toString());
        texts.add(records.toString());
        texts.add(state.toString());
        texts.add(balancer.toString());

        assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain(TOKEN));
        assertThat(String.join("\n", texts)).contains(Secret.REDACTED, VARIABLE, "HTTP 503");
        assertThat(digitalocean.requests()).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
    }

    // ---------------------------------------------------------------- helpers

    private boolean inRotationAt(Duration sinceStart) throws ApplyException {
        Duration now = Duration.between(T0, clock.instant());
        if (sinceStart.compareTo(now) > 0) {
            clock.advance(sinceStart.minus(now));
        }
        return balancer.inRotation(d1, droplet);
    }

    private FleetObservation observe() {
        DropletObservation d1Seen = new DropletObservation.Reached("droplet-1", clock.instant(),
                droplet.container("demo").stream().toList(), Optional.of(new HealthProbe(Optional.of(200), List.of())));
        return new FleetObservation(List.of(d1Seen), balancer.observe(state), clock.instant());
    }

    private Plan plan(FleetObservation observation) {
        PlanOutcome outcome = Planner.plan(state, observation, DriftDetector.detect(state, observation), RUN, balancer);
        assertThat(outcome).as(outcome.toString()).isInstanceOf(PlanOutcome.Ready.class);
        return ((PlanOutcome.Ready) outcome).plan();
    }

    private Progress recording(Map<String, Instant> started) {
        return new Progress() {
            @Override
            public void started(Step step, String description) {
                started.putIfAbsent(step.getClass().getSimpleName().toLowerCase(Locale.ROOT), clock.instant());
            }

            @Override
            public void finished(StepRecord record) {}
        };
    }

    private Progress recording(List<StepRecord> records) {
        return new Progress() {
            @Override
            public void started(Step step, String description) {}

            @Override
            public void finished(StepRecord record) {
                records.add(record);
            }
        };
    }

    private CloudBalancer balancer(DesiredState desired, String token) {
        BalancerSpec.Cloud spec = (BalancerSpec.Cloud) desired.balancer();
        DigitalOceanLoadBalancer api = new DigitalOceanLoadBalancer(digitalocean.api(), FakeDigitalOcean.BALANCER,
                new ApiToken(VARIABLE, new Secret(token)), Duration.ofSeconds(5), RetryPolicy.DEFAULT, retryPauses::add,
                clock);
        return new CloudBalancer(spec, desired.health(), desired.rollout(), api, clock);
    }

    private DesiredState state(Duration drainWait, Object... more) {
        List<DropletSpec> droplets = new ArrayList<>(List.of(droplet("droplet-1")));
        Map<String, Long> ids = new HashMap<>(Map.of("droplet-1", D1));
        for (int i = 0; i < more.length; i += 2) {
            droplets.add(droplet((String) more[i]));
            ids.put((String) more[i], (Long) more[i + 1]);
        }
        BalancerSpec.Cloud cloud = new BalancerSpec.Cloud(CloudProvider.DIGITALOCEAN, FakeDigitalOcean.BALANCER,
                digitalocean.api(), new Secret(TOKEN), VARIABLE, drainWait, ids);
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", new ImageRef("registry/demo", V2), List.of(), Map.of(), "always", Map.of()),
                droplets, new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5),
                        Duration.ofSeconds(30)),
                Optional.empty(), new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3,
                        Duration.ofSeconds(1)), new DrainSpec("/shutdown", "GET", 80), cloud,
                new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60)));
    }

    private static DropletSpec droplet(String name) {
        return new DropletSpec(name, "10.0.0.1", 22, "deploy", Optional.empty(), Optional.empty());
    }

    /** A clock that moves only when told: fleet's pauses move it. */
    private static final class MovingClock extends Clock {

        private final AtomicReference<Instant> now;

        MovingClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration duration) {
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
}
