package dev.fleet.apply;

import dev.fleet.balancer.Balancers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
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
import dev.fleet.plan.ContainerSpec;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.Planner;
import dev.fleet.report.FailureText;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The executor's blue-green path against one in-memory droplet: colour containers in a map, an
 * nginx that is a pointer to one of them, and a clock that moves only when the executor pauses.
 */
@Timeout(10)
class BlueGreenExecutorTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private final MovingClock clock = new MovingClock();
    private final FakeDroplet droplet = new FakeDroplet();

    @Test
    void aColourThatNeverGetsHealthyIsRemovedAndNginxNeverLeavesTheOldOne() throws Exception {
        droplet.unhealthy = "demo-green";

        ApplyResult result = apply();

        DropletOutcome outcome = result.droplets().getFirst();
        assertThat(outcome.result()).isEqualTo(DropletOutcome.Result.ROLLED_BACK);
        assertThat(FailureText.of(outcome)).hasValueSatisfying(f -> assertThat(f).contains("nginx never stopped sending"));
        assertThat(droplet.switches).as("nginx never pointed at the new colour").isEmpty();
        assertThat(droplet.live).isEqualTo("demo-blue");
        assertThat(droplet.containers).containsOnlyKeys("demo-blue");
    }

    @Test
    void aColourThatFailsThroughNginxAfterTheSwitchIsSwitchedBackAndRemoved() throws Exception {
        droplet.unhealthyThroughNginx = "demo-green";

        ApplyResult result = apply();

        DropletOutcome outcome = result.droplets().getFirst();
        assertThat(outcome.result()).isEqualTo(DropletOutcome.Result.ROLLED_BACK);
        assertThat(FailureText.of(outcome)).hasValueSatisfying(f -> assertThat(f).contains("rolled back to"));
        assertThat(droplet.switches).containsExactly("demo-green", "demo-blue");
        assertThat(droplet.live).isEqualTo("demo-blue");
        assertThat(droplet.containers).containsOnlyKeys("demo-blue");
    }

    @Test
    void aFailureAfterTheNewColourIsVerifiedLeavesItServingWithoutGoingBack() throws Exception {
        droplet.removalFails = "demo-blue";

        ApplyResult result = apply();

        DropletOutcome outcome = result.droplets().getFirst();
        assertThat(outcome.result()).isEqualTo(DropletOutcome.Result.FAILED);
        assertThat(FailureText.of(outcome)).hasValueSatisfying(f -> assertThat(f)
                .contains("the new colour serves and passed its checks"));
        assertThat(droplet.switches).containsExactly("demo-green");
        assertThat(droplet.live).isEqualTo("demo-green");
    }

    @Test
    void theOldColourIsRemovedOnlyOnceNginxsOldWorkersAreDone() throws Exception {
        droplet.drainingPolls = 3;

        ApplyResult result = apply();

        assertThat(result.succeeded()).isTrue();
        assertThat(droplet.drainingAsked).isEqualTo(4);
        assertThat(droplet.events).containsSubsequence("switch demo-green", "draining no", "remove demo-blue");
    }

    @Test
    void aDropletThatCannotSayWhetherOldWorkersRemainStillEndsItsTurnConverged() throws Exception {
        droplet.drainingUnanswered = true;

        ApplyResult result = apply();

        assertThat(result.succeeded()).isTrue();
        assertThat(droplet.drainingAsked).isEqualTo(1);
        assertThat(droplet.events).containsSubsequence("switch demo-green", "draining unknown", "remove demo-blue");
        assertThat(droplet.live).isEqualTo("demo-green");
        assertThat(droplet.containers).containsOnlyKeys("demo-green");
    }

    // ---------------------------------------------------------------- helpers

    private ApplyResult apply() throws InterruptedException {
        DesiredState state = state();
        Reached reached = new Reached("d1", T0, List.of(droplet.observed("demo-blue")),
                Optional.of(new HealthProbe(Optional.of(200), List.of())), Optional.empty(),
                Optional.of(new ProxyRoute(Optional.of("demo-blue"), true, "nginx sends to demo-blue")));
        FleetObservation observation = new FleetObservation(List.of(reached), new BalancerObservation.NotObservable(), T0);
        Plan plan = ((PlanOutcome.Ready) Planner.plan(state, observation, DriftDetector.detect(state, observation), "run-1", Balancers.of(state)))
                .plan();
        return new Executor(state, "run-1", Executor.Guard.NEVER, spec -> droplet, Balancers.of(state), clock,
                clock::advance, Progress.NONE).apply(plan);
    }

    private static DesiredState state() {
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", new ImageRef("registry/demo", V2), List.of(), Map.of(), "always", Map.of()),
                List.of(new DropletSpec("d1", "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty())),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(), new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 2,
                        Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", 80), new BalancerSpec.None(),
                new RolloutPolicy(1, true, Duration.ofSeconds(2), Duration.ofSeconds(10), RolloutStrategy.BLUE_GREEN),
                Optional.of(new ProxySpec(80, "/etc/nginx/conf.d/fleet-demo.conf", "fleet_demo", 8099,
                        "sudo -n nginx -t", "sudo -n nginx -s reload", Duration.ofSeconds(5))));
    }

    /** One droplet: colours by name with their loopback ports, and nginx pointing at one. */
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
        final Map<String, Integer> containers = new LinkedHashMap<>(Map.of("demo-blue", 49001));
        final Map<String, String> digests = new LinkedHashMap<>(Map.of("demo-blue", V1));
        final List<String> switches = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        String live = "demo-blue";
        String unhealthy = "";
        String unhealthyThroughNginx = "";
        String removalFails = "";
        boolean drainingUnanswered;
        int drainingPolls;
        int drainingAsked;
        int nextPort = 49002;

        ObservedContainer observed(String name) {
            return new ObservedContainer("id-" + name, name, Optional.of(digests.get(name)), "sha256:img",
                    "registry/demo@" + digests.get(name), "running", 0, Optional.empty(), Optional.of(T0),
                    Optional.empty(), Map.of(FleetLabels.SERVICE, "demo"), Map.of(80, containers.get(name)));
        }

        private String atPort(int port) {
            return containers.entrySet().stream().filter(e -> e.getValue() == port).map(Map.Entry::getKey)
                    .findFirst().orElse("nothing");
        }

        @Override
        public void pull(ImageRef image) {}

        @Override
        public boolean hasImage(ImageSource image) {
            return true;
        }

        @Override
        public Optional<ObservedContainer> container(String name) {
            return containers.containsKey(name) ? Optional.of(observed(name)) : Optional.empty();
        }

        @Override
        public void removeContainer(String name, Duration grace) throws ApplyException {
            events.add("remove " + name);
            if (name.equals(removalFails)) {
                throw new ApplyException("the engine said no");
            }
            containers.remove(name);
            digests.remove(name);
        }

        @Override
        public void startContainer(ContainerSpec spec) {
            events.add("start " + spec.name());
            assertThat(spec.ports()).singleElement().satisfies(p -> {
                assertThat(p.hostIp()).contains("127.0.0.1");
                assertThat(p.hostPort()).as("a free port of Docker's choosing").isZero();
            });
            containers.put(spec.name(), nextPort++);
            digests.put(spec.name(), spec.labels().get(FleetLabels.DIGEST));
        }

        @Override
        public HealthProbe probe(HealthSpec health) {
            String who = health.port() == 8099 ? live : atPort(health.port());
            boolean sick = who.equals(unhealthy) || (health.port() == 8099 && who.equals(unhealthyThroughNginx));
            return sick ? new HealthProbe(Optional.of(503), List.of("/health answered 503 (expected 200)"))
                    : new HealthProbe(Optional.of(200), List.of());
        }

        @Override
        public void callDrainEndpoint(DrainSpec drain) {
            throw new AssertionError("blue-green never drains");
        }

        @Override
        public ProxyRoute route(ProxySpec proxy, HealthSpec health) {
            return new ProxyRoute(Optional.of(live), containers.containsKey(live), "nginx sends to " + live);
        }

        @Override
        public void switchProxy(ProxySpec proxy, String container, int port) {
            events.add("switch " + container);
            assertThat(containers.get(container)).isEqualTo(port);
            switches.add(container);
            live = container;
        }

        @Override
        public boolean proxyDraining(ProxySpec proxy) throws ApplyException {
            drainingAsked++;
            if (drainingUnanswered) {
                events.add("draining unknown");
                throw new ApplyException("running 'pgrep' failed: Stream closed");
            }
            boolean draining = drainingPolls-- > 0;
            events.add(draining ? "draining yes" : "draining no");
            return draining;
        }

        @Override
        public void recordIntent(RolloutIntent intent) {}

        @Override
        public void endIntent(String run, String result) {}

        @Override
        public void close() {}
    }

    private static final class MovingClock extends Clock {
        private Instant now = T0;

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
