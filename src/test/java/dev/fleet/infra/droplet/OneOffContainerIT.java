package dev.fleet.infra.droplet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.HookRun;
import dev.fleet.apply.Pause;
import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LogSettings;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.Secret;
import dev.fleet.desired.VolumeMount;
import dev.fleet.infra.ssh.LabTargets;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.observed.FleetLabels;
import dev.fleet.plan.ContainerSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One-off containers (deploy hooks) on a real droplet: the demo app's image has no shell, so its
 * {@code hook} command ({@code demo-app hook NAME EXIT [SLEEP_MS [VARIABLE]]}) and its modes stand
 * in for a migration: a hook that exits 2 at once, one that sleeps past its timeout, a worker
 * without {@code HEARTBEAT_FILE} (exit 2), a worker that runs until it is stopped, and the bad
 * build's worker, which crashes after about a second. After each run no container of its name is left.
 */
class OneOffContainerIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(1);

    private static final String NAME = "demo-pre-deploy";

    private final DropletConnections connections = new DropletConnections(new SshConnector());

    @AfterEach
    void closeConnectionsAndRemoveTheVolume() {
        connections.close();
        lab.get().dockerOn(droplet(), "volume", "rm", "hook-data");
    }

    private SshDropletSession session() {
        Lab l = lab.get();
        return new SshDropletSession(connections, LabTargets.droplet(l, droplet()), LabTargets.ssh(l), "demo",
                Optional.empty(), Duration.ofMinutes(2), Retry.sleeping(), Clock.systemUTC(), Pause.SLEEP);
    }

    private static LabDroplet droplet() {
        return lab.get().droplets().getFirst();
    }

    private static ImageRef image(String variable) {
        String reference = lab.get().env(variable);
        return new ImageRef(reference.substring(0, reference.indexOf('@')), reference.substring(reference.indexOf('@') + 1));
    }

    /** The service's container as a start step would create it: its port, restart always, a volume. */
    private static ContainerSpec spec(ImageRef image, Map<String, EnvValue> environment) {
        ContainerSettings settings = new ContainerSettings(List.of(new PortMapping(Optional.empty(), 80, 80, "tcp")),
                environment, "always", Map.of("team", "demo"), Optional.empty(), Optional.empty(),
                List.of(new VolumeMount("hook-data", "/data", false)), List.of(), Optional.empty(), Optional.empty(),
                LogSettings.DEFAULT, Limits.NONE, Optional.empty(), Optional.empty(), List.of(), false);
        return new ContainerSpec(NAME, image, settings, Map.of("team", "demo", FleetLabels.SERVICE, "demo"));
    }

    private static Map<String, EnvValue> env(String... pairs) {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            environment.put(pairs[i], new EnvValue.Plain(pairs[i + 1]));
        }
        return environment;
    }

    private static void assertNothingLeft() {
        Lab.CommandResult left = lab.get().dockerOn(droplet(), "ps", "-a", "-q", "--filter", "name=^/" + NAME + "$");
        assertThat(left.succeeded()).as(left.output()).isTrue();
        assertThat(left.output().strip()).as("containers named " + NAME + " left on the droplet").isEmpty();
    }

    @Test
    void aHookThatExitsNonZeroIsAResultWithItsExitCodeAndItsOutputNotAnException() throws Exception {
        Map<String, EnvValue> environment = env("APP_MODE", "bogus");
        environment.put("DB_PASSWORD", new EnvValue.SecretValue(new Secret("not-printed-by-the-app"), "env DB"));
        try (SshDropletSession session = session()) {
            long called = System.nanoTime();
            HookRun run = session.runOnce(spec(image("LAB_IMAGE_V1"), environment),
                    List.of("hook", "migrate", "2", "0", "DB_PASSWORD"), Duration.ofSeconds(30));
            long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - called);

            System.out.printf("A hook that exits 2 at once: %s, took %d ms (start to exit seen), the whole call %d ms"
                    + " (remove leftover, create, start, polls, logs, remove)%n", run.exitCode(), run.took().toMillis(),
                    wall);
            assertThat(run.exitCode()).contains(2);
            assertThat(run.timedOut()).isFalse();
            assertThat(run.succeeded()).isFalse();
            // The variable goes to stdout and the exit line to stderr: the engine copies the two pipes
            // apart, so lines written within the same millisecond may come back in either order.
            assertThat(run.outputTail().lines()).as(run.outputTail()).containsExactlyInAnyOrder(
                    "demo-app: hook migrate version=v1 started", "DB_PASSWORD=[secret DB_PASSWORD]",
                    "demo-app: hook migrate exiting 2");
            assertThat(run.outputTail()).doesNotContain("not-printed-by-the-app");
            assertThat(run.took()).isLessThan(Duration.ofSeconds(5));
        }
        assertNothingLeft();
    }

    @Test
    void stdoutAndStderrComeTogetherInTheOrderWritten() throws Exception {
        ImageRef bad = image("LAB_IMAGE_BAD");
        try (SshDropletSession session = session()) {
            session.pull(bad);
            HookRun run = session.runOnce(spec(bad, env("APP_MODE", "worker", "HEARTBEAT_FILE", "/data/hb")),
                    List.of(), Duration.ofSeconds(30));

            System.out.printf("The bad worker as a hook: %s after %d ms%n", run.exitCode(), run.took().toMillis());
            assertThat(run.exitCode()).contains(1);
            String output = run.outputTail();
            assertThat(output).contains("demo-app: worker ").contains("demo-app: bad worker: crashing");
            assertThat(output.indexOf(" started, heartbeat every ")).as(output)
                    .isLessThan(output.indexOf("bad worker: crashing"));
        }
        assertNothingLeft();
    }

    @Test
    void aHookPastItsTimeoutIsKilledAndRemovedAndNeverPublishedPortsNorRestarted() throws Exception {
        ContainerSpec spec = spec(image("LAB_IMAGE_V1"), env("APP_MODE", "worker", "HEARTBEAT_FILE", "/data/hb"));
        // While it runs: how the droplet's engine sees it. The service's port 80 is the app's on this
        // droplet: had the one-off published it, it would not even have started.
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < until) {
                Lab.CommandResult inspect = lab.get().dockerOn(droplet(), "inspect", "-f", "{{.State.Status}}"
                        + " ports={{json .HostConfig.PortBindings}} restart={{.HostConfig.RestartPolicy.Name}}"
                        + " team={{index .Config.Labels \"team\"}} mounts={{range .Mounts}}{{.Name}}:{{.Destination}}{{end}}",
                        NAME);
                if (inspect.succeeded() && inspect.output().startsWith("running")) {
                    return inspect.output().strip();
                }
            }
            return "never seen running";
        });
        try (SshDropletSession session = session()) {
            HookRun run = session.runOnce(spec, List.of("hook", "slow", "0", "600000"), Duration.ofSeconds(2));

            System.out.printf("A hook that runs forever with a 2 s timeout: timedOut=%s, %d ms from start to kill%n",
                    run.timedOut(), run.took().toMillis());
            assertThat(run.timedOut()).isTrue();
            assertThat(run.exitCode()).isEmpty();
            assertThat(run.succeeded()).isFalse();
            assertThat(run.took()).isBetween(Duration.ofSeconds(2), Duration.ofMillis(3000));
            assertThat(run.outputTail()).contains("demo-app: hook slow version=v1 started");
        }
        // Restart "no" is an empty name to the engine, as docker-java sends it.
        assertThat(seen.get(30, TimeUnit.SECONDS))
                .matches("running ports=(\\{}|null) restart=(no)? team=demo mounts=hook-data:/data");
        assertNothingLeft();
        // The named volume is the service's: it stays, with what the hook wrote to it.
        assertThat(lab.get().dockerOn(droplet(), "volume", "inspect", "hook-data").succeeded()).isTrue();
    }

    @Test
    void aHookThatExitsZeroSucceeds() throws Exception {
        // The worker exits 0 when asked to stop: the stand-in for a migration that finished.
        CompletableFuture<Lab.CommandResult> stop = CompletableFuture.supplyAsync(() -> {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // Only once it runs: a stop of a container still being created succeeds and does nothing.
            Lab.CommandResult running;
            do {
                running = lab.get().dockerOn(droplet(), "inspect", "-f", "{{.State.Running}}", NAME);
            } while (!(running.succeeded() && running.output().strip().equals("true"))
                    && System.nanoTime() < until);
            return lab.get().dockerOn(droplet(), "stop", "-t", "5", NAME);
        });
        try (SshDropletSession session = session()) {
            // FROM scratch: no /tmp, the heartbeats go to the volume.
            HookRun run = session.runOnce(spec(image("LAB_IMAGE_V1"), env("APP_MODE", "worker", "HEARTBEAT_FILE",
                    "/data/hb")), List.of(), Duration.ofSeconds(30));

            assertThat(stop.get(30, TimeUnit.SECONDS).succeeded()).isTrue();
            assertThat(run.exitCode()).as(run.outputTail()).contains(0);
            assertThat(run.succeeded()).isTrue();
            assertThat(run.outputTail()).contains("demo-app: worker stopping signal=SIGTERM");
        }
        assertNothingLeft();
    }

    @Test
    void aLeftoverOfTheNameIsRemovedFirstAndAMissingImageIsAnApplyException() throws Exception {
        Lab.CommandResult leftover = lab.get().dockerOn(droplet(), "create", "--name", NAME, lab.get().env("LAB_IMAGE_V1"));
        assertThat(leftover.succeeded()).as(leftover.output()).isTrue();
        try (SshDropletSession session = session()) {
            HookRun run = session.runOnce(spec(image("LAB_IMAGE_V1"), env("APP_MODE", "worker")), List.of(),
                    Duration.ofSeconds(30));
            assertThat(run.exitCode()).contains(2);
            assertThat(run.outputTail()).contains("APP_MODE=worker needs HEARTBEAT_FILE");
            assertNothingLeft();

            ImageRef missing = new ImageRef(image("LAB_IMAGE_V1").repository(), "sha256:" + "0".repeat(64));
            assertThatThrownBy(() -> session.runOnce(spec(missing, env()), List.of("migrate"), Duration.ofSeconds(30)))
                    .isInstanceOf(ApplyException.class)
                    .hasMessageContaining(NAME + " could not be run once on droplet-1")
                    .hasMessageContaining("No such image");
        }
        assertNothingLeft();
    }
}
