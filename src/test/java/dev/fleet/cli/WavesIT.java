package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import dev.fleet.lab.RotationSampler;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ten droplets rolled in waves {@code [1, 30%, 100%]} with {@code max-unavailable: 3}, under load
 * through the strict HAProxy, sampled every 100 ms for how many droplets are out of rotation. The
 * tests run in order, each from the fleet the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WavesIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(10);

    private static final int RATE = 100;
    private static final int BUDGET = 3;
    private static final String WAVES = "rollout:\n  max-unavailable: " + BUDGET + "\n  waves: [1, 30%, 100%]\n";

    /** The one-at-a-time rollout's time, printed beside the waves'. */
    private static Duration oneAtATime;

    @Test
    @Order(1)
    void oneAtATimeTheTenDropletsRollWithNoFailedRequest() {
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2")), "v2");

        Rolled rolled = applyUnderLoad();

        assertThat(rolled.apply.exitCode()).as(rolled.apply.stdout() + rolled.apply.stderr()).isZero();
        assertThat(rolled.apply.stdout()).contains("10 droplets to change, one at a time (max-unavailable 1)");
        assertThat(rolled.mostOut).as("one at a time").isEqualTo(1);
        oneAtATime = rolled.took;
    }

    @Test
    @Order(2)
    void inWavesNeverMoreThanTheBudgetIsOutAndNoRequestFails() {
        lab().commitState(state -> withWaves(state).replace(lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_V1")),
                "back to v1 in waves");

        Rolled rolled = applyUnderLoad();

        assertThat(rolled.apply.exitCode()).as(rolled.apply.stdout() + rolled.apply.stderr()).isZero();
        assertThat(rolled.apply.stdout()).contains("10 droplets to change, in 3 waves of 1, 3, 6 (up to 3 at once,"
                + " max-unavailable 3; if a droplet fails, every droplet already moved goes back)")
                .contains("Wave 2 of 3: droplet-2, droplet-3, droplet-4");
        assertThat(rolled.mostOut).as("most out of rotation in one 100 ms sample; worst: " + rolled.worst)
                .isBetween(2, BUDGET);
        System.out.printf("10 droplets, one at a time: %d ms; in waves [1, 30%%, 100%%] up to %d at once: %d ms%n",
                oneAtATime == null ? -1 : oneAtATime.toMillis(), BUDGET, rolled.took.toMillis());
        assertOn("LAB_IMAGE_V1", "droplet-1", "droplet-2", "droplet-3", "droplet-4", "droplet-5", "droplet-6",
                "droplet-7", "droplet-8", "droplet-9", "droplet-10");
    }

    @Test
    @Order(3)
    void aFailureInTheSecondWaveTakesEveryMovedDropletBackWithinTheBudget() {
        // droplet-3, in the second wave, is pinned to an image that never gets healthy.
        lab().commitState(state -> withWaves(state).replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2"))
                .replaceFirst("(  - name: droplet-3\n    host: 127.0.0.1\n    port: \\d+\n)",
                        "$1    image: " + lab().env("LAB_IMAGE_BAD") + "\n")
                .replace("  health-timeout: 30s\n", "  health-timeout: 8s\n"), "v2, droplet-3 broken");

        Rolled rolled = applyUnderLoad();

        assertThat(rolled.apply.exitCode()).as(rolled.apply.stdout() + rolled.apply.stderr())
                .isEqualTo(ExitCodes.ROLLOUT_FAILED);
        assertThat(rolled.apply.stdout()).containsPattern("droplet-1 +rolled-back")
                .containsPattern("droplet-3 +rolled-back").containsPattern("droplet-5 +skipped")
                .containsPattern("droplet-10 +skipped");
        assertThat(rolled.apply.stderr()).contains("droplet-3").contains("not healthy within")
                .contains("every droplet it had moved went back to what it ran before (rollout.on-failure: revert)");
        assertThat(rolled.mostOut).as("worst: " + rolled.worst).isLessThanOrEqualTo(BUDGET);
        assertOn("LAB_IMAGE_V1", "droplet-1", "droplet-2", "droplet-3", "droplet-4", "droplet-5", "droplet-10");
    }

    @Test
    @Order(4)
    void aCanaryThatIsHealthyButAnswers500IsSeenInItsSoakAndTakenBackAlone() {
        // The flaky image passes /health (HAProxy's check and fleet's), and answers / with 500.
        lab().commitState(state -> withWaves(state).replace(lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_V1"))
                .replace("    image: " + lab().env("LAB_IMAGE_BAD") + "\n", "")
                .replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_FLAKY"))
                .replace("  checks:\n    - path: /\n      expect: happy response\n", "")
                .replace("  waves: [1, 30%, 100%]\n", "  waves: [1, 30%, 100%]\n  canary:\n    soak: 30s\n"
                        + "    max-error-rate: 1%\n    min-requests: 20\n"), "flaky, with a canary");

        FleetProcess.Result apply;
        LoadRun.Summary load;
        int mostOut;
        Map<String, Integer> failedChecks;
        try (RotationSampler sampler = RotationSampler.start(lab());
                LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 600)) {
            apply = FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
            load = run.stop();
            mostOut = sampler.mostOutAtOnce();
            failedChecks = sampler.failedChecksInRotation();
        }

        String output = apply.stdout() + apply.stderr();
        assertThat(apply.exitCode()).as(output).isEqualTo(ExitCodes.ROLLOUT_FAILED);
        assertThat(apply.stdout()).contains("Then the first wave is the canary: soak 30s")
                .containsPattern("droplet-1 +rolled-back").containsPattern("droplet-2 +skipped")
                .containsPattern("droplet-10 +skipped");
        assertThat(apply.stderr()).contains("the canary (droplet-1) failed its soak: its share of failed requests is")
                .contains("no other droplet was touched");
        System.out.println("the flaky canary, while it soaked: " + load.line());
        assertThat(load.failures()).as("only the canary's own answers failed").containsOnlyKeys("HTTP 500");
        assertThat(mostOut).isLessThanOrEqualTo(1);
        assertThat(failedChecks).as("servers in rotation whose HAProxy health check failed").isEmpty();
        assertOn("LAB_IMAGE_V1", "droplet-1", "droplet-2", "droplet-10");
        for (int i = 2; i <= 10; i++) {
            assertThat(lab().dockerOn(lab().droplet("droplet-" + i), "images", "-q", lab().env("LAB_IMAGE_FLAKY"))
                    .output().strip()).as("droplet-%d only pulled the flaky image", i).isNotEmpty();
        }
    }

    private record Rolled(FleetProcess.Result apply, Duration took, int mostOut, Object worst) {}

    private static Rolled applyUnderLoad() {
        try (RotationSampler sampler = RotationSampler.start(lab());
                LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 600)) {
            long started = System.nanoTime();
            FleetProcess.Result apply = FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            LoadRun.Summary load = run.stop();
            load.assertZeroDowntime("while rolling", apply.stdout() + apply.stderr());
            assertThat(sampler.failedSamples()).isZero();
            return new Rolled(apply, took, sampler.mostOutAtOnce(), sampler.worstSamples());
        }
    }

    private static String withWaves(String state) {
        return state.contains("  waves:") ? state : state.replace("rollout:\n  max-unavailable: 1\n", WAVES);
    }

    private static void assertOn(String imageVariable, String... droplets) {
        String image = lab().env(imageVariable);
        for (String name : droplets) {
            LabDroplet droplet = lab().droplet(name);
            String running = lab().dockerOn(droplet, "inspect", "--format", "{{.Config.Image}}", "demo").output().strip();
            String id = lab().dockerOn(droplet, "image", "inspect", "--format", "{{.Id}}", image).output().strip();
            assertThat(running).as(name).isIn(image, id);
        }
    }

    private static Lab lab() {
        return lab.get();
    }
}
