package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fleet apply} on a real lab under constant load through the strict HAProxy (no retries, no
 * redispatch): a request that reaches a droplet at the wrong moment fails, and is counted. The
 * tests run in order, each starting from the fleet the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApplyIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    /** Requests per second through the balancer during every rollout (the issue asks at least 100). */
    private static final int RATE = 150;

    @Test
    @Order(1)
    void rollingThreeDropletsToV2ThroughHaproxyDropsNoRequest() {
        deploy("LAB_IMAGE_V2", "deploy v2");

        LoadRun.Summary load;
        FleetProcess.Result apply;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            apply = apply();
            load = run.stop();
        }

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        assertThat(apply.stdout()).containsPattern("(?m)^  \\S+ +converged ").doesNotContain("FAILED")
                .doesNotContainPattern("(?m)^  \\S+ +failed ");
        assertZeroFailures(load, apply);
        assertThat(load.versions()).containsKeys("v1", "v2");
        assertOnlyVersionAnswers("v2");
    }

    @Test
    @Order(2)
    void rollingThreeDropletsToV2BehindAHealthCheckBalancerDropsNoRequest() {
        resetToV1();
        lab().commitState(state -> healthCheckBalancer(state).replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2")),
                "deploy v2, as if behind a cloud balancer");

        LoadRun.Summary load;
        FleetProcess.Result apply;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            apply = apply();
            load = run.stop();
        }

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        assertThat(apply.stdout()).contains("call the drain endpoint (GET /shutdown)")
                .contains("wait until its health fails, then 3s for the balancer to drop it")
                .contains("wait until 4s after it turned healthy, for the balancer to send it traffic");
        assertZeroFailures(load, apply);
        assertThat(load.versions()).containsKeys("v1", "v2");
        assertOnlyVersionAnswers("v2");
    }

    @Test
    @Order(3)
    void aSecondApplyOnAConvergedFleetChangesNothingAndIsQuick() {
        Instant before = Instant.now().minusSeconds(1);

        FleetProcess.Result apply = apply();

        assertThat(apply.exitCode()).as(apply.stderr()).isZero();
        assertThat(apply.stdout()).contains("nothing to do");
        assertThat(apply.took()).as("a converged 3-droplet fleet, JVM build").isLessThan(Duration.ofSeconds(3));
        FleetProcess.Result unconfirmed = FleetProcess.run("apply", "--state", lab().stateFile().toString());
        assertThat(unconfirmed.exitCode()).isEqualTo(1);
        assertThat(unconfirmed.stderr()).contains("stdin is not a terminal").contains("--yes");
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(mutatingDockerEvents(droplet, before)).as(droplet.name()).isEmpty();
        }
    }

    @Test
    @Order(4)
    void aNewImageThatNeverGetsHealthyIsRolledBackOnTheFirstDropletAndTheRestIsUntouched() {
        resetToV1();
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_BAD")),
                "deploy the bad image");

        LoadRun.Summary load;
        FleetProcess.Result apply;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            apply = apply();
            load = run.stop();
        }

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(3);
        assertThat(apply.stdout()).containsPattern("droplet-1 +rolled-back")
                .containsPattern("droplet-2 +skipped").containsPattern("droplet-3 +skipped");
        assertThat(apply.stderr()).contains("droplet-1").contains("not healthy within").contains("rolled back to");
        assertZeroFailures(load, apply);
        assertOnlyVersionAnswers("v1");
        String v1 = lab().env("LAB_IMAGE_V1");
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(lab().dockerOn(droplet, "inspect", "--format", "{{.Config.Image}}", "demo").output().strip())
                    .as(droplet.name()).isIn(v1, imageIdOf(droplet, v1));
        }
        assertThat(lab().balancerStates()).containsOnly(
                Map.entry("droplet-1", "UP"), Map.entry("droplet-2", "UP"), Map.entry("droplet-3", "UP"));
    }

    @Test
    @Order(5)
    void anUnhealthyDropletThatIsNotReplacedSpendsTheBudgetSoNothingIsDrained() {
        LabDroplet sick = lab().droplet("droplet-3");
        String v1 = lab().env("LAB_IMAGE_V1");
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_BAD"), v1), "back to v1");
        assertThat(apply().exitCode()).isZero();
        // droplet-3 is pinned to v1 while the fleet moves to v2, and fails its health: it is not
        // replaced, and it is out of rotation.
        lab().commitState(state -> state.replace(v1, lab().env("LAB_IMAGE_V2"))
                .replace("  - name: droplet-3\n", "  - name: droplet-3\n    image: " + v1 + "\n"), "v2, droplet-3 pinned");
        assertThat(get(lab().appUri(sick, "/shutdown"))).isEqualTo(200);
        awaitBalancerState("droplet-3", "DOWN");
        Instant before = Instant.now().minusSeconds(1);

        FleetProcess.Result apply = apply();

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(1);
        assertThat(apply.stderr()).contains("refusing to start, nothing was changed")
                .contains("max-unavailable is 1 and droplet-3 (UNHEALTHY")
                .contains("already out of rotation: draining droplet-1 would take more droplets out than allowed");
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(mutatingDockerEvents(droplet, before)).as(droplet.name()).isEmpty();
        }
        assertThat(lab().balancerStates()).containsEntry("droplet-1", "UP").containsEntry("droplet-2", "UP");
        lab().runApp(sick, v1);
        awaitBalancerState("droplet-3", "UP");
    }

    @Test
    @Order(6)
    void aStoppedDropletThatIsReplacedGoesFirstAndTheRolloutDropsNoRequest() {
        LabDroplet stopped = lab().droplet("droplet-3");
        lab().commitState(state -> state.replace("    image: " + lab().env("LAB_IMAGE_V1") + "\n", ""), "unpin droplet-3");
        assertThat(lab().dockerOn(stopped, "stop", "demo").succeeded()).isTrue();
        awaitBalancerState("droplet-3", "DOWN");

        LoadRun.Summary load;
        FleetProcess.Result apply;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            apply = apply();
            load = run.stop();
        }

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        String summary = apply.stdout().substring(apply.stdout().indexOf("Applied in"));
        assertThat(summary).containsPattern("droplet-3 +converged[^\n]*\n  droplet-1 +converged[^\n]*\n  droplet-2 +converged");
        assertZeroFailures(load, apply);
        assertOnlyVersionAnswers("v2");
    }

    @Test
    @Order(7)
    void whileOneApplyRunsASecondExitsNamingTheHolderAndTheHistoryRecordsTheFirst() throws Exception {
        deploy("LAB_IMAGE_V1", "back to v1", "LAB_IMAGE_V2");
        var first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> FleetProcess.run(Map.of("FLEET_ACTOR", "alice"), "apply", "--yes", "--state",
                        lab().stateFile().toString()));
        String lease = awaitLease();

        FleetProcess.Result second = FleetProcess.run(Map.of("FLEET_ACTOR", "bob"), "apply", "--yes", "--state",
                lab().stateFile().toString());
        FleetProcess.Result firstResult = first.get(3, java.util.concurrent.TimeUnit.MINUTES);

        assertThat(lease).contains("owner=alice");
        assertThat(second.exitCode()).as(second.stderr()).isEqualTo(4);
        assertThat(second.stderr()).contains("another apply holds the lock").contains("by alice")
                .contains("Nothing was changed");
        assertThat(firstResult.exitCode()).as(firstResult.stdout() + firstResult.stderr()).isZero();
        FleetProcess.Result history = FleetProcess.run("history", "--steps", "--state", lab().stateFile().toString());
        assertThat(history.exitCode()).isZero();
        String last = history.stdout().substring(history.stdout().lastIndexOf("  converged  run "));
        String v1 = digestOf(lab().env("LAB_IMAGE_V1"));
        String v2 = digestOf(lab().env("LAB_IMAGE_V2"));
        assertThat(last).contains("by alice").contains("state " + headCommit().substring(0, 12))
                .containsPattern("droplet-1 +converged +" + v2 + " -> " + v1)
                .containsPattern("droplet-3 +converged +" + v2 + " -> " + v1)
                .containsPattern("wait until healthy: [^\\n]*: \\d+\\.\\ds");
        assertThat(lab().ssh("droplet-1", "test", "-e", ".fleet/demo/lease").succeeded())
                .as("the lease is released").isFalse();
    }

    @Test
    @Order(8)
    void aCrashedHoldersLeaseBlocksUntilUnlockBreaksItAndALapsedOneIsTakenOver() {
        long now = Instant.now().getEpochSecond();
        writeLease("run=deadbeef owner=ci@crashed commit=0123456789ab since=" + now + " expires=" + (now + 600));
        deploy("LAB_IMAGE_V2", "deploy v2", "LAB_IMAGE_V1");

        FleetProcess.Result blocked = apply();
        FleetProcess.Result unlock = FleetProcess.run(Map.of("FLEET_ACTOR", "carol"), "unlock", "--state",
                lab().stateFile().toString());
        FleetProcess.Result history = FleetProcess.run("history", "--state", lab().stateFile().toString());

        assertThat(blocked.exitCode()).as(blocked.stderr()).isEqualTo(4);
        assertThat(blocked.stderr()).contains("run deadbeef by ci@crashed");
        assertThat(unlock.exitCode()).as(unlock.stderr()).isZero();
        assertThat(unlock.stdout()).contains("broke the lease of run deadbeef by ci@crashed");
        assertThat(history.stdout()).contains("lock broken by carol").contains("run=deadbeef");

        writeLease("run=cafe owner=ci@gone commit=0123456789ab since=" + (now - 700) + " expires=" + (now - 100));
        FleetProcess.Result takeover = apply();

        assertThat(takeover.exitCode()).as(takeover.stdout() + takeover.stderr()).isZero();
        assertThat(takeover.stderr()).contains("took over the lapsed lease of run cafe by ci@gone");
    }

    private static String awaitLease() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Lab.CommandResult lease = lab().ssh("droplet-1", "cat", ".fleet/demo/lease");
            if (lease.succeeded() && lease.output().contains("run=")) {
                return lease.output();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first apply never took the lease");
    }

    private static void writeLease(String line) {
        assertThat(lab().ssh("droplet-1", "sh", "-c", "'mkdir -p .fleet/demo && echo \"" + line
                + "\" > .fleet/demo/lease'").succeeded()).isTrue();
    }

    private static String headCommit() {
        try {
            Process git = new ProcessBuilder("git", "-C", lab().stateFile().getParent().toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).strip();
            git.waitFor();
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String digestOf(String image) {
        return image.substring(image.indexOf("@sha256:") + "@sha256:".length()).substring(0, 12);
    }

    private static Lab lab() {
        return lab.get();
    }

    /** The whole fleet back on v1 through HAProxy, without load: the next test's starting point. */
    private static void resetToV1() {
        lab().commitState(state -> haproxyBalancer(state).replace(lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_V1")),
                "back to v1");
        FleetProcess.Result reset = apply();
        assertThat(reset.exitCode()).as(reset.stdout() + reset.stderr()).isZero();
    }

    private static void deploy(String imageVariable, String message) {
        deploy(imageVariable, message, "LAB_IMAGE_V1");
    }

    private static void deploy(String imageVariable, String message, String fromVariable) {
        lab().commitState(state -> state.replace(lab().env(fromVariable), lab().env(imageVariable)), message);
    }

    private static FleetProcess.Result apply() {
        return FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
    }

    private static void assertZeroFailures(LoadRun.Summary load, FleetProcess.Result apply) {
        load.assertZeroDowntime("while rolling", apply.stdout());
    }

    /** A second of load after the rollout: every answer comes from {@code version}. */
    private static void assertOnlyVersionAnswers(String version) {
        try (LoadRun after = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 10)) {
            pauseOneSecond();
            LoadRun.Summary load = after.stop().assertZeroDowntime("after the rollout", "");
            assertThat(load.versions()).as(load.raw()).containsOnlyKeys(version);
        }
    }

    private static void pauseOneSecond() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String healthCheckBalancer(String state) {
        return state.replaceAll("(?s)balancer:\n  kind: haproxy\n.*?\n(?=\\S)",
                "balancer:\n  kind: health-check\n  interval: 1s\n  unhealthy-threshold: 2\n  healthy-threshold: 3\n");
    }

    private static String haproxyBalancer(String state) {
        return state.replaceAll("(?s)balancer:\n  kind: health-check\n.*?\n(?=\\S)",
                "balancer:\n  kind: haproxy\n  socket: \"" + lab().env("LAB_HAPROXY_SOCKET") + "\"\n  backend: "
                        + lab().env("LAB_HAPROXY_BACKEND") + "\n");
    }

    /** Container and image events that change something, on the droplet since {@code since}. */
    private static List<String> mutatingDockerEvents(LabDroplet droplet, Instant since) {
        String events = lab().dockerOn(droplet, "events", "--since", String.valueOf(since.getEpochSecond()),
                "--until", String.valueOf(Instant.now().getEpochSecond() + 1), "--format", "{{.Type}} {{.Action}}")
                .output();
        return events.lines().filter(line -> line.startsWith("container ") || line.startsWith("image "))
                .filter(line -> !line.contains("exec_") && !line.endsWith(" top")).toList();
    }

    private static int get(java.net.URI uri) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String imageIdOf(LabDroplet droplet, String image) {
        return lab().dockerOn(droplet, "image", "inspect", "--format", "{{.Id}}", image).output().strip();
    }

    private static void awaitBalancerState(String droplet, String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!state.equals(lab().balancerStates().get(droplet))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(droplet + " did not become " + state + " in HAProxy: " + lab().balancerStates());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
