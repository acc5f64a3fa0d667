package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Figures;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import dev.fleet.lab.RotationSampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fleet apply} killed with SIGKILL in the middle of a rollout of three droplets behind the
 * strict HAProxy, under constant load, then started again: at every step boundary of every droplet
 * (killed as soon as the step's progress line appears, so usually just inside the next step) and
 * at random moments. Each second apply must finish the rollout from what the droplets say (the
 * intents the first one left on them), and meanwhile never more than one droplet may be out of
 * rotation, no request may fail, and no droplet may end with no app container, two, or a leftover.
 */
class CrashIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final int RATE = 100;
    /** A progress line of a step that finished ("   3.1s   ok     drain in HAProxy ..."). */
    private static final Pattern STEP_DONE = Pattern.compile("(?m)^\\s*\\d+\\.\\ds\\s+ok\\s");
    /** Three pulls, then eight steps on each of three droplets: kills after 3 to 26 finished steps. */
    private static final int FIRST_BOUNDARY = 3;
    private static final int LAST_BOUNDARY = 26;
    private static final int RANDOM_KILLS = 6;

    @Test
    void anApplyKilledAtAnyMomentIsFinishedByTheNextWithOneDropletOutAtMostAndNoFailedRequest() {
        List<Integer> boundaries = new ArrayList<>();
        for (int k = FIRST_BOUNDARY; k <= LAST_BOUNDARY; k++) {
            boundaries.add(k);
        }
        Random random = new Random(20261202L);
        List<String> runs = new ArrayList<>();
        int kills = 0;
        int resumedWork = 0;
        LoadRun.Summary load;
        try (RotationSampler sampler = RotationSampler.start(lab());
                LoadRun loadRun = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 1800)) {
            String current = "LAB_IMAGE_V1";
            for (int run = 0; run < boundaries.size() + RANDOM_KILLS; run++) {
                String target = current.equals("LAB_IMAGE_V1") ? "LAB_IMAGE_V2" : "LAB_IMAGE_V1";
                String from = current;
                lab().commitState(state -> state.replace(lab().env(from), lab().env(target)), "deploy " + target);
                boolean atBoundary = run < boundaries.size();
                String where;
                try (FleetProcess.Running first = FleetProcess.start(Map.of(), "apply", "--yes", "--state",
                        lab().stateFile().toString())) {
                    if (atBoundary) {
                        int boundary = boundaries.get(run);
                        awaitFinishedSteps(first, boundary);
                        where = "after step " + boundary;
                    } else {
                        long delay = 500 + random.nextInt(9_000);
                        pause(delay);
                        where = "at " + delay + " ms";
                    }
                    boolean killed = first.isAlive();
                    first.kill();
                    kills += killed ? 1 : 0;
                    where += killed ? "" : " (it had already finished)";
                }
                FleetProcess.Result second = FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
                assertThat(second.exitCode()).as("the apply after a kill %s:%n%s%s", where, second.stdout(),
                        second.stderr()).isZero();
                if (second.stdout().contains(" converged ")) {
                    resumedWork++;
                }
                Converged.assertConverged(lab(), target, where);
                runs.add(where);
                current = target;
            }
            load = loadRun.stop();
            assertThat(sampler.failedSamples()).as("HAProxy samples that failed").isZero();
            assertThat(sampler.mostOutAtOnce()).as("most droplets out of rotation at once: %s", sampler.worstSamples())
                    .isLessThanOrEqualTo(1);
            load.assertZeroDowntime("while fleet was killed and run again", "");
            assertThat(kills).as("runs killed mid-apply").isGreaterThanOrEqualTo(20);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("runs", runs.size());
            figures.put("kills", kills);
            figures.put("killedAtStepBoundaries", boundaries.size());
            figures.put("killedAtRandomMoments", RANDOM_KILLS);
            figures.put("secondAppliesThatHadWorkLeft", resumedWork);
            figures.put("mostDropletsOutOfRotationAtOnce", sampler.mostOutAtOnce());
            figures.put("haproxySamples", sampler.samples());
            figures.put("requests", load.requests());
            figures.put("failedRequests", load.failed());
            figures.put("targetRatePerSecond", load.targetRate());
            figures.put("ratePerSecond", load.ratePerSecond());
            figures.put("longestGapMillis", load.longestGapMillis());
            Figures.write("crash", figures);
        }
    }

    private static void awaitFinishedSteps(FleetProcess.Running apply, int steps) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (STEP_DONE.matcher(apply.stdout()).results().count() < steps) {
            if (!apply.isAlive()) {
                return; // finished (or failed) before that many steps: the kill finds nothing to kill
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fleet apply did not finish " + steps + " steps:\n" + apply.stdout());
            }
            pause(5);
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
