package dev.fleet.drift;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.fleet.observed.BalancerObservation.ServerState;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.DropletObservation.Reached;
import dev.fleet.observed.DropletObservation.Unreachable;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.UnreachableReason;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant STARTED = Instant.parse("2026-11-22T09:00:00Z");
    private static final HealthProbe HEALTHY = new HealthProbe(Optional.of(200), List.of());

    @Test
    void aDropletRunningTheDesiredDigestHealthyAndUpIsInSync() {
        DriftReport report = detect(state(V1), reached("d1", running("demo", V1), HEALTHY), up("d1"));

        assertThat(only(report).status()).isEqualTo(DropletStatus.IN_SYNC);
        assertThat(only(report).since()).contains(STARTED);
        assertThat(report.clean()).isTrue();
        assertThat(report.summary()).isEqualTo("1 droplet: 1 IN_SYNC (in sync)");
    }

    @Test
    void anotherDigestIsImageDriftNamingBothShortDigests() {
        DriftReport report = detect(state(V1), reached("d1", running("demo", V2), HEALTHY), up("d1"));

        assertThat(only(report).status()).isEqualTo(DropletStatus.IMAGE_DRIFT);
        assertThat(only(report).runningDigest()).contains(V2);
        assertThat(only(report).reason()).isEqualTo("runs 222222222222, wants 111111111111");
        assertThat(report.clean()).isFalse();
    }

    @Test
    void aPerDropletPinWinsOverTheFleetDigest() {
        DesiredState state = state(V1, new DropletSpec("d1", "h", 22, "u", Optional.of(image(V2)), Optional.empty()));

        DriftReport report = detect(state, reached("d1", running("demo", V2), HEALTHY), up("d1"));

        assertThat(only(report).status()).isEqualTo(DropletStatus.IN_SYNC);
        assertThat(only(report).desiredDigest()).isEqualTo(V2);
    }

    @Test
    void anImageWithoutRegistryDigestIsImageDrift() {
        ObservedContainer local = container("demo", Optional.empty(), "running", Optional.empty());

        DriftReport report = detect(state(V1), reached("d1", local, HEALTHY), up("d1"));

        assertThat(only(report).status()).isEqualTo(DropletStatus.IMAGE_DRIFT);
        assertThat(only(report).reason()).contains("no registry digest");
    }

    @Test
    void noServiceContainerIsMissing() {
        DriftReport report = detect(state(V1), new Reached("d1", NOW, List.of(), Optional.empty()), up("d1"));

        assertThat(only(report).status()).isEqualTo(DropletStatus.MISSING);
        assertThat(only(report).reason()).isEqualTo("no container named demo");
    }

    @Test
    void anExitedContainerIsStoppedWithItsExitCode() {
        ObservedContainer exited = container("demo", Optional.of(V1), "exited", Optional.of(137));

        DriftReport report = detect(state(V1), reached("d1", exited, null), up("d1"));

        assertThat(only(report).status()).isEqualTo(DropletStatus.STOPPED);
        assertThat(only(report).reason()).isEqualTo("container demo is exited, exit code 137");
        assertThat(only(report).health()).isEqualTo(Health.UNKNOWN);
    }

    @Test
    void theRightDigestWithFailingHealthIsUnhealthyWithTheFailure() {
        HealthProbe failing = new HealthProbe(Optional.of(503), List.of("/health answered 503 (expected 200)"));

        DriftReport report = detect(state(V1), reached("d1", running("demo", V1), failing), up("d1"));

        assertThat(only(report).status()).isEqualTo(DropletStatus.UNHEALTHY);
        assertThat(only(report).reason()).isEqualTo("/health answered 503 (expected 200)");
        assertThat(only(report).health()).isEqualTo(Health.FAILING);
    }

    @Test
    void aHealthyDropletTheBalancerHasDownIsUnhealthy() {
        var balancer = new BalancerObservation.Servers(Map.of("d1", new ServerState("DOWN", 0)));

        DriftReport report = detect(state(V1), reached("d1", running("demo", V1), HEALTHY), balancer);

        assertThat(only(report).status()).isEqualTo(DropletStatus.UNHEALTHY);
        assertThat(only(report).reason()).contains("balancer has it DOWN");
    }

    @Test
    void aDropletStillUpWhileFailingChecksCountsAsInRotation() {
        var balancer = new BalancerObservation.Servers(Map.of("d1", new ServerState("UP 1/2", 3)));

        DriftReport report = detect(state(V1), reached("d1", running("demo", V1), HEALTHY), balancer);

        assertThat(only(report).status()).isEqualTo(DropletStatus.IN_SYNC);
    }

    @Test
    void anUnreachableDropletIsAResultWithItsReason() {
        var unreachable = new Unreachable("d1", NOW, UnreachableReason.REFUSED, "connection refused by 127.0.0.1:2222");

        DriftReport report = detect(state(V1), unreachable, new BalancerObservation.NotObservable());

        assertThat(only(report).status()).isEqualTo(DropletStatus.UNREACHABLE);
        assertThat(only(report).reason()).isEqualTo("unreachable: connection refused by 127.0.0.1:2222");
    }

    @Test
    void anExtraContainerClaimingTheServiceIsReportedUnmanagedAndIsDrift() {
        var reached = new Reached("d1", NOW, List.of(running("demo", V1), running("demo-old", V2)), Optional.of(HEALTHY));

        DriftReport report = detect(state(V1), reached, up("d1"));

        assertThat(only(report).status()).isEqualTo(DropletStatus.IN_SYNC);
        assertThat(only(report).unmanaged()).extracting(UnmanagedContainer::name).containsExactly("demo-old");
        assertThat(report.clean()).isFalse();
        assertThat(report.summary()).isEqualTo("1 droplet: 1 IN_SYNC; 1 UNMANAGED container (drift)");
    }

    @Test
    void theSummaryCountsEachStatusInOrder() {
        DesiredState state = state(V1, droplet("a"), droplet("b"), droplet("c"));
        var observation = new FleetObservation(List.of(
                        reached("a", running("demo", V2), HEALTHY),
                        reached("b", running("demo", V1), HEALTHY),
                        new Unreachable("c", NOW, UnreachableReason.TIMEOUT, "no answer within 5s")),
                new BalancerObservation.NotObservable(), NOW);

        DriftReport report = DriftDetector.detect(state, observation);

        assertThat(report.droplets()).extracting(DropletDrift::droplet).containsExactly("a", "b", "c");
        assertThat(report.summary()).isEqualTo("3 droplets: 1 IN_SYNC, 1 IMAGE_DRIFT, 1 UNREACHABLE (drift)");
    }

    private static DriftReport detect(DesiredState state, DropletObservation droplet, BalancerObservation balancer) {
        return DriftDetector.detect(state, new FleetObservation(List.of(droplet), balancer, NOW));
    }

    private static BalancerObservation up(String server) {
        return new BalancerObservation.Servers(Map.of(server, new ServerState("UP", 1)));
    }

    private static DropletDrift only(DriftReport report) {
        assertThat(report.droplets()).hasSize(1);
        return report.droplets().get(0);
    }

    private static Reached reached(String droplet, ObservedContainer container, HealthProbe health) {
        return new Reached(droplet, NOW, List.of(container), Optional.ofNullable(health));
    }

    private static ObservedContainer running(String name, String digest) {
        return container(name, Optional.of(digest), "running", Optional.empty());
    }

    private static ObservedContainer container(String name, Optional<String> digest, String state, Optional<Integer> exit) {
        return new ObservedContainer("id-" + name, name, digest, "sha256:" + "f".repeat(64),
                "registry/demo" + digest.map(d -> "@" + d).orElse(":local"), state, 0, exit, Optional.of(STARTED),
                Optional.empty(), Map.of(FleetLabels.SERVICE, "demo"));
    }

    static ImageRef image(String digest) {
        return new ImageRef("registry/demo", digest);
    }

    static DropletSpec droplet(String name) {
        return new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty());
    }

    static DesiredState state(String digest, DropletSpec... droplets) {
        List<DropletSpec> list = droplets.length == 0 ? List.of(droplet("d1")) : List.of(droplets);
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", image(digest), List.of(), Map.of(), "always", Map.of()), list,
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(),
                new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3, Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", 80),
                new BalancerSpec.HealthCheck(Duration.ofSeconds(10), 3, 5),
                new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60)));
    }
}
