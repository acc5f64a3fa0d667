package dev.fleet.report;

import dev.fleet.balancer.Balancers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.OnFailure;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.ProbeSpec;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.RolloutStrategy;
import dev.fleet.desired.Secret;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.drift.DriftDetector;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.Planner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** fleet plan's text: under each step that starts a container, the whole container, a secret by name only. */
class PlanReportTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final String SECRET = "s3cr3t-value";

    @Test
    void eachStartStepShowsItsContainerWithSecretsByNameOnly() {
        DesiredState state = state();
        String text = PlanReport.render(plan(state), state);

        assertThat(text).contains("""
                   4. start demo on 222222222222
                        container: demo
                        image: registry/demo@%s
                        ports: 80->8080/tcp, 127.0.0.1:9090->9090/tcp
                        environment: LOG_LEVEL=info, API_TOKEN (secret)
                        restart: unless-stopped
                        log: json-file (max-file=3, max-size=10m)
                        labels: team=platform, fleet.service=demo, fleet.fleet=demo, fleet.digest=%s, fleet.rollout=run1, \
                fleet.replaces=registry/demo@%s, fleet.replaces-digest=%s
                   5. wait until healthy\
                """.formatted(V2, V2, V1, V1));
        assertThat(text).as("the rollback's container").contains("""
                   4. start demo on 111111111111
                        container: demo
                        image: registry/demo@%s
                        ports: 80->8080/tcp, 127.0.0.1:9090->9090/tcp
                        environment: LOG_LEVEL=info, API_TOKEN (secret)
                        restart: unless-stopped
                        log: json-file (max-file=3, max-size=10m)
                        labels: team=platform, fleet.service=demo, fleet.fleet=demo, fleet.digest=%s, fleet.rollout=run1
                """.formatted(V1, V1));
        assertThat(text).doesNotContain(SECRET).doesNotContain("FLEET_SECRET_API_TOKEN");
    }

    @Test
    void theStepLinesStayAsTheyWere() {
        DesiredState state = state();
        String text = PlanReport.render(plan(state), state);

        assertThat(text).contains("\n   1. call the drain endpoint (GET /shutdown)\n",
                "\n   3. stop (grace 10s) and remove container demo, keeping its image\n",
                "\n   4. start demo on 222222222222\n", "  if the new container fails, roll back:\n",
                "\n   9. remove the images fleet ran here before, but the last 3 (rollout.keep-images) and those a"
                        + " container uses\n");
        assertThat(text.lines().filter(line -> line.startsWith("        ")))
                .as("container lines, seven under each of the two start steps").hasSize(14);
    }

    @Test
    void aProbeIsSaidUnderTheSummaryWithItsLimitOnlyWhenItHasOne() {
        RolloutPolicy limited = new RolloutPolicy(1, true, Duration.ofSeconds(5), Duration.ofSeconds(30),
                RolloutStrategy.DRAIN_AND_SWAP, RolloutPolicy.DEFAULT_KEEP_IMAGES, List.of(), OnFailure.STOP,
                Optional.empty(), Optional.of(new ProbeSpec(URI.create("https://example.com/health"), 20,
                        Duration.ofSeconds(2), OptionalInt.of(5))));
        RolloutPolicy reporting = new RolloutPolicy(1, true, Duration.ofSeconds(5), Duration.ofSeconds(30),
                RolloutStrategy.DRAIN_AND_SWAP, RolloutPolicy.DEFAULT_KEEP_IMAGES, List.of(), OnFailure.STOP,
                Optional.empty(), Optional.of(new ProbeSpec(URI.create("https://example.com/health"), 20,
                        Duration.ofSeconds(2), OptionalInt.empty())));

        assertThat(PlanReport.render(plan(state(limited)), state(limited))).contains("\nWhile they roll, the probe asks"
                + " https://example.com/health 20 times a second (timeout 2s); more than 5 failed stop the rollout.\n");
        assertThat(PlanReport.render(plan(state(reporting)), state(reporting))).contains("\nWhile they roll, the probe"
                + " asks https://example.com/health 20 times a second (timeout 2s).\n");
        assertThat(PlanReport.render(plan(state()), state())).doesNotContain("probe");
    }

    private static Plan plan(DesiredState state) {
        ObservedContainer old = new ObservedContainer("id-demo", "demo", Optional.of(V1), "sha256:" + "f".repeat(64),
                "registry/demo@" + V1, "running", 0, Optional.empty(), Optional.of(NOW.minusSeconds(3600)),
                Optional.empty(), Map.of(FleetLabels.SERVICE, "demo"));
        FleetObservation observation = new FleetObservation(List.of(new DropletObservation.Reached("d1", NOW,
                List.of(old), Optional.of(new HealthProbe(Optional.of(200), List.of())))),
                new BalancerObservation.NotObservable(), NOW);
        PlanOutcome outcome = Planner.plan(state, observation, DriftDetector.detect(state, observation), "run1", Balancers.of(state));
        assertThat(outcome).isInstanceOf(PlanOutcome.Ready.class);
        return ((PlanOutcome.Ready) outcome).plan();
    }

    private static DesiredState state() {
        return state(new RolloutPolicy(1, true, Duration.ofSeconds(5), Duration.ofSeconds(30)));
    }

    private static DesiredState state(RolloutPolicy rollout) {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("LOG_LEVEL", new EnvValue.Plain("info"));
        environment.put("API_TOKEN", new EnvValue.SecretValue(new Secret(SECRET), "env FLEET_SECRET_API_TOKEN"));
        ServiceSpec service = new ServiceSpec("demo", new ImageRef("registry/demo", V2),
                List.of(new PortMapping(Optional.empty(), 80, 8080, "tcp"),
                        new PortMapping(Optional.of("127.0.0.1"), 9090, 9090, "tcp")),
                environment, "unless-stopped", Map.of("team", "platform"));
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false), service,
                List.of(new DropletSpec("d1", "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty())),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(),
                new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(1), 3, Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", 80),
                new BalancerSpec.HealthCheck(Duration.ofSeconds(1), 2, 3),
                rollout);
    }
}
