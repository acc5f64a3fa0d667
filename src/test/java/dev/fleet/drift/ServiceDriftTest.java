package dev.fleet.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Hooks;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Placement;
import dev.fleet.desired.ServiceRole;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.BalancerObservation.ServerState;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.DropletObservation.Reached;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceDriftTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));
    private static final HealthProbe HEALTHY = new HealthProbe(Optional.of(200), List.of());

    static final DropletSpec WEB_1 = tagged("web-1", "worker");
    static final DropletSpec DB_1 = tagged("db-1", "db");

    @Test
    void eachDropletReportsTheServicesPlacedOnItBesideTheFrontedOneInRollOrder() {
        DesiredState state = state(V1, V1);

        DriftReport report = detect(state, List.of(
                reached(WEB_1, running("web", V1, LONG_AGO), running("worker", V1, LONG_AGO)),
                reached(DB_1, running("web", V1, LONG_AGO), running("redis", V1, LONG_AGO))));

        assertThat(report.droplets().get(0).services()).extracting(ServiceDrift::service).containsExactly("worker");
        assertThat(report.droplets().get(1).services()).extracting(ServiceDrift::service).containsExactly("redis");
        assertThat(report.droplets().get(1).services().getFirst().role()).isEqualTo(ServiceRole.ACCESSORY);
        assertThat(report.clean()).isTrue();
        assertThat(report.summary()).isEqualTo("2 droplets: 2 IN_SYNC (in sync)");
    }

    @Test
    void aWorkerOnAnotherDigestIsImageDriftWhileTheDropletItselfStaysInSync() {
        DriftReport report = detect(state(V2, V1), List.of(
                reached(WEB_1, running("web", V1, LONG_AGO), running("worker", V1, LONG_AGO)),
                reached(DB_1, running("web", V1, LONG_AGO), running("redis", V1, LONG_AGO))));

        DropletDrift web1 = report.droplets().get(0);
        assertThat(web1.status()).isEqualTo(DropletStatus.IN_SYNC);
        assertThat(web1.services().getFirst().status()).isEqualTo(DropletStatus.IMAGE_DRIFT);
        assertThat(web1.services().getFirst().reason()).isEqualTo("runs 111111111111, wants 222222222222");
        assertThat(report.clean()).isFalse();
        assertThat(report.summary()).isEqualTo("2 droplets: 2 IN_SYNC; 1 other service not in sync (drift)");
    }

    @Test
    void aWorkerUpForLessThanItsMinUptimeIsNotHealthyYet() {
        DriftReport report = detect(state(V1, V1), List.of(
                reached(WEB_1, running("web", V1, LONG_AGO), running("worker", V1, NOW.minusSeconds(2))),
                reached(DB_1, running("web", V1, LONG_AGO), running("redis", V1, LONG_AGO))));

        ServiceDrift worker = report.droplets().get(0).services().getFirst();
        assertThat(worker.status()).isEqualTo(DropletStatus.UNHEALTHY);
        assertThat(worker.health()).isEqualTo(Health.FAILING);
        assertThat(worker.reason()).isEqualTo("up for 2 s, counts as healthy after its min-uptime of 5 s");
    }

    @Test
    void anImagesOwnHealthCheckDecidesOverUptime() {
        ObservedContainer unhealthy = withDockerHealth(running("worker", V1, LONG_AGO), "unhealthy");

        DriftReport report = detect(state(V1, V1), List.of(
                reached(WEB_1, running("web", V1, LONG_AGO), unhealthy),
                reached(DB_1, running("web", V1, LONG_AGO), running("redis", V1, LONG_AGO))));

        assertThat(report.droplets().get(0).services().getFirst().reason())
                .isEqualTo("its image's health check says unhealthy");
    }

    @Test
    void aMissingOrExitedWorkerIsMissingOrStopped() {
        ObservedContainer exited = new ObservedContainer("id-redis", "redis", Optional.of(V1), "sha256:" + "f".repeat(64),
                "registry/redis@" + V1, "exited", 3, Optional.of(1), Optional.of(LONG_AGO), Optional.of(NOW),
                Map.of(FleetLabels.SERVICE, "redis"));

        DriftReport report = detect(state(V1, V1), List.of(
                reached(WEB_1, running("web", V1, LONG_AGO)),
                reached(DB_1, running("web", V1, LONG_AGO), exited)));

        assertThat(report.droplets().get(0).services().getFirst().status()).isEqualTo(DropletStatus.MISSING);
        assertThat(report.droplets().get(1).services().getFirst().reason())
                .isEqualTo("container redis is exited, exit code 1, restarted 3 times");
    }

    @Test
    void anotherServicesContainerIsNotUnmanagedForTheFrontedService() {
        DriftReport report = detect(state(V1, V1), List.of(
                reached(WEB_1, running("web", V1, LONG_AGO), running("worker", V1, LONG_AGO)),
                reached(DB_1, running("web", V1, LONG_AGO), running("redis", V1, LONG_AGO))));

        assertThat(report.unmanagedCount()).isZero();
    }

    static DesiredState state(String workerDigest, String redisDigest) {
        return state(V1, workerDigest, redisDigest);
    }

    static DesiredState state(String webDigest, String workerDigest, String redisDigest) {
        DesiredState single = DriftDetectorTest.state(V1, WEB_1, DB_1);
        ServiceSpec web = new ServiceSpec("web", image("web", webDigest), single.service().container());
        ServiceSpec worker = new ServiceSpec("worker", image("worker", workerDigest), single.service().container(),
                ServiceRole.WORKER, new Placement.On(List.of("worker")), Duration.ofSeconds(5), Hooks.NONE);
        ServiceSpec redis = new ServiceSpec("redis", image("redis", redisDigest), single.service().container(),
                ServiceRole.ACCESSORY, new Placement.On(List.of("db")), Duration.ofSeconds(5), Hooks.NONE);
        return new DesiredState(single.file(), single.revision(), web, single.droplets(), single.ssh(),
                single.registry(), single.health(), single.drain(), single.balancer(), single.rollout(),
                single.proxy(), single.dns(), List.of(web, worker, redis));
    }

    private static DriftReport detect(DesiredState state, List<DropletObservation> droplets) {
        BalancerObservation up = new BalancerObservation.Servers(Map.of(
                "web-1", new ServerState("UP", 1), "db-1", new ServerState("UP", 1)));
        return DriftDetector.detect(state, new FleetObservation(droplets, up, NOW));
    }

    private static Reached reached(DropletSpec droplet, ObservedContainer... containers) {
        return new Reached(droplet.name(), NOW, List.of(containers), Optional.of(HEALTHY));
    }

    private static ObservedContainer running(String name, String digest, Instant started) {
        return new ObservedContainer("id-" + name, name, Optional.of(digest), "sha256:" + "f".repeat(64),
                "registry/" + name + "@" + digest, "running", 0, Optional.empty(), Optional.of(started),
                Optional.empty(), Map.of(FleetLabels.SERVICE, name));
    }

    private static ObservedContainer withDockerHealth(ObservedContainer c, String status) {
        return new ObservedContainer(c.id(), c.name(), c.digest(), c.imageId(), c.imageRef(), c.state(),
                c.restartCount(), c.exitCode(), c.startedAt(), c.finishedAt(), c.labels(), c.tcpPorts(), c.config(),
                Optional.of(status));
    }

    private static ImageRef image(String repository, String digest) {
        return new ImageRef("registry/" + repository, digest);
    }

    static DropletSpec tagged(String name, String tag) {
        return new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty(), List.of(),
                Map.of(), List.of(tag));
    }
}
