package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Figures;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import dev.fleet.lab.RotationSampler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fleet apply} SIGKILLed in the two moments waves add, under load through the strict HAProxy:
 * while the first wave, a canary, soaks, and while the second wave has two droplets out of rotation
 * at once. Each next apply must finish from what the droplets say (a canary left in its soak is
 * soaked again before anything else moves), never taking more than max-unavailable out, with no
 * failed request.
 */
class WaveCrashIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final int RATE = 100;
    private static final int BUDGET = 2;
    private static final int KILLS_EACH = 2;
    private static final String ROLLOUT = "rollout:\n  max-unavailable: " + BUDGET + "\n  waves: [1, 100%]\n"
            + "  canary:\n    soak: 6s\n    min-requests: 20\n";

    @Test
    void appliesKilledInASoakOrAParallelWaveAreFinishedByTheNextWithinTheBudgetAndNoFailedRequest() {
        lab().commitState(state -> state.replace("rollout:\n  max-unavailable: 1\n", ROLLOUT), "waves and a canary");
        int soaksResumed = 0;
        int killedInWave = 0;
        LoadRun.Summary load;
        try (RotationSampler sampler = RotationSampler.start(lab());
                LoadRun loadRun = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 900)) {
            String current = "LAB_IMAGE_V1";
            for (int run = 0; run < 2 * KILLS_EACH; run++) {
                boolean inSoak = run % 2 == 0;
                String target = current.equals("LAB_IMAGE_V1") ? "LAB_IMAGE_V2" : "LAB_IMAGE_V1";
                String from = current;
                lab().commitState(state -> state.replace(lab().env(from), lab().env(target)), "deploy " + target);
                String where = inSoak ? "in the canary's soak" : "with two droplets of the second wave out";
                try (FleetProcess.Running first = FleetProcess.start(Map.of(), "apply", "--yes", "--state",
                        lab().stateFile().toString())) {
                    if (inSoak) {
                        // The progress note, not the plan's line about the canary.
                        awaitOutput(first, out -> out.contains("droplet-1: the canary: soak"), where);
                        pause(1_500);
                    } else {
                        awaitOutput(first, out -> lab().balancerStates().values().stream()
                                .filter(s -> !s.startsWith("UP")).count() >= BUDGET, where);
                    }
                    assertThat(first.isAlive()).as("the apply is still running %s: %s", where, first.stdout()).isTrue();
                    first.kill();
                }
                FleetProcess.Result second = FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
                assertThat(second.exitCode()).as("the apply after a kill %s:%n%s%s", where, second.stdout(),
                        second.stderr()).isZero();
                if (inSoak) {
                    assertThat(second.stdout()).as("the apply after a kill %s", where)
                            .contains("did not finish its canary's soak here: soaked again")
                            .containsPattern("droplet-1 +converged");
                    soaksResumed++;
                } else {
                    killedInWave++;
                }
                Converged.assertConverged(lab(), target, where);
                current = target;
            }
            load = loadRun.stop();
            assertThat(sampler.failedSamples()).as("HAProxy samples that failed").isZero();
            assertThat(sampler.mostOutAtOnce()).as("most droplets out of rotation at once: %s", sampler.worstSamples())
                    .isLessThanOrEqualTo(BUDGET);
            load.assertZeroDowntime("while fleet was killed in soaks and waves and run again", "");
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("killedInSoak", soaksResumed);
            figures.put("killedInParallelWave", killedInWave);
            figures.put("mostDropletsOutOfRotationAtOnce", sampler.mostOutAtOnce());
            figures.put("maxUnavailable", BUDGET);
            figures.put("haproxySamples", sampler.samples());
            figures.put("requests", load.requests());
            figures.put("failedRequests", load.failed());
            figures.put("targetRatePerSecond", load.targetRate());
            figures.put("ratePerSecond", load.ratePerSecond());
            figures.put("longestGapMillis", load.longestGapMillis());
            Figures.write("crash-waves", figures);
        }
    }

    private static void awaitOutput(FleetProcess.Running apply, Predicate<String> seen, String where) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!seen.test(apply.stdout())) {
            if (!apply.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("fleet apply never got " + where + ":\n" + apply.stdout() + apply.stderr());
            }
            pause(20);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Lab lab() {
        return lab.get();
    }
}
