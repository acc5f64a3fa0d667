package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Figures;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LatencyProxy;
import dev.fleet.lab.LoadRun;
import dev.fleet.lab.RotationSampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults injected into a droplet in the middle of a rollout, under load through the strict HAProxy:
 * a slow and lossy SSH link, connections reset mid-step, a droplet that stops answering, one that
 * disappears, its Docker engine restarted, its registry down, its disk full. Each time: a clear outcome within the
 * timeouts, no request failed, never two droplets out of rotation, no droplet after the failing one
 * touched, and the next apply (the fault gone) converges the fleet.
 *
 * <p>The state's command timeout is 5 s, so that a silent droplet costs seconds, not minutes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final int RATE = 100;
    private static final Map<String, Object> FIGURES = new LinkedHashMap<>();
    private static String current = "LAB_IMAGE_V1";

    @BeforeAll
    static void shortCommandTimeout() {
        lab().commitState(state -> state.replace("  known-hosts: known_hosts",
                "  known-hosts: known_hosts\n  connect-timeout: 3s\n  command-timeout: 5s"), "short timeouts");
    }

    @AfterEach
    void healEveryDroplet() {
        for (LabDroplet droplet : lab().droplets()) {
            lab().restoreSshLink(droplet);
            lab().restoreRegistry(droplet);
            lab().freeDownloadDisk(droplet);
        }
    }

    @AfterAll
    static void writeFigures() {
        Figures.write("faults", FIGURES);
    }

    @Test
    @Order(1)
    void aSlowLossyLinkToOneDropletSlowsTheRolloutButItConverges() throws Exception {
        Rolled clean = roll(null, null); // the same rollout on a clean link, to compare with
        assertThat(clean.apply().exitCode()).as(clean.said()).isZero();
        LabDroplet slow = lab().droplet("droplet-2");
        lab().degradeSshLink(slow, 5, 512);
        Path knownHosts = lab().knownHosts();
        String original = Files.readString(knownHosts);
        try (LatencyProxy proxy = LatencyProxy.to("127.0.0.1", slow.sshPort(), Duration.ofMillis(100))) {
            // fleet reaches droplet-2 through the proxy: 100 ms more each way, on top of the loss.
            String direct = "[127.0.0.1]:" + slow.sshPort() + " ";
            String proxied = "[127.0.0.1]:" + proxy.port() + " ";
            Files.writeString(knownHosts, original + original.lines().filter(line -> line.startsWith(direct))
                    .map(line -> proxied + line.substring(direct.length()) + "\n").reduce("", String::concat));
            lab().commitState(state -> state.replace("port: " + slow.sshPort(), "port: " + proxy.port()),
                    "droplet-2 over a slow link");

            Rolled rolled = roll(null, null);

            assertThat(rolled.apply().exitCode()).as(rolled.said()).isZero();
            assertThat(rolled.apply().stdout()).containsPattern("(?m)^  \\S+ +converged ").doesNotContain("FAILED")
                .doesNotContainPattern("(?m)^  \\S+ +failed ");
            assertConverged();
            FIGURES.put("slowLossyLink", figures(rolled, Map.of("addedLatencyMillisEachWay", 100, "lossPercent", 5,
                    "kbit", 512, "cleanLinkApplySeconds", clean.apply().took().toMillis() / 1000.0)));
        } finally {
            lab().commitState(state -> state.replaceAll("port: \\d+\n(?=  - name: droplet-3)",
                    "port: " + slow.sshPort() + "\n"), "droplet-2 direct again");
            Files.writeString(knownHosts, original);
            lab().commitState(state -> state, "known hosts as they were");
        }
    }

    @Test
    @Order(2)
    void connectionsResetInTheMiddleOfStepsAreMadeAgainAndTheRolloutConverges() {
        // Each reset lands inside "wait until healthy" (3 probes over SSH 250 ms apart, then 1 s of
        // minimum healthy time): a quarter of a second after the container started, and it is counted
        // as inside only if that wait had not finished when every fleet SSH session had been killed.
        int[] resets = {0, 0};
        Rolled rolled = roll(Pattern.compile("(?m)ok\\s+start demo on"), apply -> {
            pause(250);
            for (LabDroplet droplet : lab().droplets()) {
                lab().resetSshConnections(droplet);
            }
            resets[0]++;
            String progress = apply.stdout();
            if (count(progress, "ok\\s+start demo on") > count(progress, "ok\\s+wait until healthy")) {
                resets[1]++;
            }
        });

        assertThat(rolled.apply().exitCode()).as(rolled.said()).isZero();
        assertThat(rolled.apply().stdout()).containsPattern("(?m)^  \\S+ +converged ");
        assertThat(resets[0]).as("resets, one per droplet's turn").isEqualTo(3);
        assertThat(resets[1]).as("resets that landed while 'wait until healthy' was running").isEqualTo(resets[0]);
        assertConverged();
        FIGURES.put("connectionResets", figures(rolled, Map.of("resets", resets[0], "resetsInsideAStep", resets[1])));
    }

    @Test
    @Order(3)
    void aDropletThatStopsAnsweringMidRolloutStopsItCleanlyAndTheNextApplyFinishesIt() {
        LabDroplet silent = lab().droplet("droplet-2");
        String before3 = containerId("droplet-3");
        Rolled rolled = roll(Pattern.compile("(?m)ok\\s+wait until HAProxy has it drained"), new Once(apply -> lab().silenceSsh(silent), "droplet-2"));

        assertThat(rolled.apply().exitCode()).as(rolled.said()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
        assertThat(rolled.apply().stdout() + rolled.apply().stderr()).contains("droplet-2")
                .containsPattern("did not answer|did not finish within|timed out");
        assertThat(rolled.apply().took()).as("bounded by the timeouts").isLessThan(Duration.ofMinutes(3));
        assertThat(containerId("droplet-3")).as("droplet-3, after the failing one, untouched").isEqualTo(before3);
        FIGURES.put("silentDroplet", figures(rolled, Map.of()));

        lab().restoreSshLink(silent);
        finishWithTheNextApply();
    }

    @Test
    @Order(4)
    void aDropletThatDisappearsMidRolloutStopsItAndTouchesNoOther() {
        LabDroplet lost = lab().droplet("droplet-2");
        String before3 = containerId("droplet-3");
        Rolled rolled = roll(Pattern.compile("(?m)ok\\s+wait until HAProxy has it drained"), new Once(apply -> lab().killDroplet(lost), "droplet-2"));

        assertThat(rolled.apply().exitCode()).as(rolled.said()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
        assertThat(rolled.apply().stdout()).contains("droplet-2");
        assertThat(containerId("droplet-3")).as("droplet-3 untouched").isEqualTo(before3);
        FIGURES.put("vanishedDroplet", figures(rolled, Map.of()));

        lab().startDroplet(lost);
        finishWithTheNextApply();
    }

    @Test
    @Order(5)
    void aDockerEngineRestartedMidStepStillConvergesTheFleet() {
        // Restarted while droplet-2's new container starts up: the engine brings its containers back
        // (restart: always), and fleet's health wait sees the new one healthy again.
        Rolled rolled = roll(Pattern.compile("(?m)ok\\s+start demo on"),
                new Once(apply -> lab().restartEngine(lab().droplet("droplet-2")), "droplet-2"));

        assertThat(rolled.apply().exitCode()).as(rolled.said()).isEqualTo(ExitCodes.SUCCESS);
        assertThat(rolled.apply().stdout()).containsPattern("(?m)^  \\S+ +converged ").doesNotContain("FAILED")
                .doesNotContainPattern("(?m)^  \\S+ +failed ");
        assertConverged();
        FIGURES.put("engineRestart", figures(rolled, Map.of()));
    }

    @Test
    @Order(6)
    void aPullThatFailsBecauseTheRegistryIsDownDrainsNothing() {
        lab().droplets().forEach(lab()::cutRegistry);
        String before = containerId("droplet-1") + containerId("droplet-2") + containerId("droplet-3");
        String from = current;
        lab().commitState(state -> state.replace(lab().env(from), lab().env("LAB_IMAGE_BAD")), "deploy bad");

        FleetProcess.Result apply = apply();

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(apply.stderr()).contains("preflight failed, nothing was drained").contains("pull");
        assertThat(containerId("droplet-1") + containerId("droplet-2") + containerId("droplet-3")).isEqualTo(before);
        assertThat(lab().balancerStates().values()).allMatch(status -> status.startsWith("UP"));
        FIGURES.put("registryDown", Map.of("exitCode", apply.exitCode(), "applySeconds", apply.took().toMillis() / 1000.0));
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_BAD"), lab().env(from)), "back");
    }

    @Test
    @Order(7)
    void aPullThatFailsOnAFullDiskDrainsNothingAnywhere() {
        lab().fillDownloadDisk(lab().droplet("droplet-2"));
        String before = containerId("droplet-1") + containerId("droplet-2") + containerId("droplet-3");
        String from = current;
        lab().commitState(state -> state.replace(lab().env(from), lab().env("LAB_IMAGE_BAD")), "deploy bad");

        FleetProcess.Result apply = apply();

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(apply.stderr()).contains("preflight failed, nothing was drained").contains("droplet-2")
                .contains("no space left on device");
        assertThat(containerId("droplet-1") + containerId("droplet-2") + containerId("droplet-3")).isEqualTo(before);
        assertThat(lab().balancerStates().values()).allMatch(status -> status.startsWith("UP"));
        FIGURES.put("diskFull", Map.of("exitCode", apply.exitCode(), "applySeconds", apply.took().toMillis() / 1000.0));
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_BAD"), lab().env(from)), "back");
    }

    // ---------------------------------------------------------------- helpers

    private record Rolled(FleetProcess.Result apply, LoadRun.Summary load, String said, int rotationSamples) {}

    /** What a drill measured, for deploy/lab/reliability: the apply, the load through HAProxy, the rotation. */
    private static Map<String, Object> figures(Rolled rolled, Map<String, Object> fault) {
        Map<String, Object> figures = new LinkedHashMap<>(fault);
        figures.put("exitCode", rolled.apply().exitCode());
        figures.put("applySeconds", rolled.apply().took().toMillis() / 1000.0);
        figures.put("requests", rolled.load().requests());
        figures.put("failedRequests", rolled.load().failed());
        figures.put("targetRatePerSecond", rolled.load().targetRate());
        figures.put("ratePerSecond", rolled.load().ratePerSecond());
        figures.put("longestGapMillis", rolled.load().longestGapMillis());
        figures.put("haproxySamples", rolled.rotationSamples());
        return figures;
    }

    private static long count(String text, String regex) {
        return Pattern.compile("(?m)" + regex).matcher(text).results().count();
    }

    /**
     * Deploys the other version under load with {@code fault} run each time {@code when} matches one
     * more progress line, checking the load and the rotation throughout.
     */
    private static Rolled roll(Pattern when, Consumer<FleetProcess.Running> fault) {
        String target = current.equals("LAB_IMAGE_V1") ? "LAB_IMAGE_V2" : "LAB_IMAGE_V1";
        String from = current;
        lab().commitState(state -> state.replace(lab().env(from), lab().env(target)), "deploy " + target);
        current = target;
        FleetProcess.Result result;
        LoadRun.Summary load;
        int samples;
        try (RotationSampler sampler = RotationSampler.start(lab());
                LoadRun loadRun = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 600);
                FleetProcess.Running apply = FleetProcess.start(Map.of(), "apply", "--yes", "--state",
                        lab().stateFile().toString())) {
            long seen = 0;
            long started = System.nanoTime();
            while (apply.isAlive()) {
                if (when != null) {
                    long matches = when.matcher(apply.stdout()).results().count();
                    if (matches > seen) {
                        seen = matches;
                        fault.accept(apply);
                    }
                }
                pause(20);
                if (System.nanoTime() - started > Duration.ofMinutes(5).toNanos()) {
                    throw new AssertionError("fleet apply ran for 5 minutes:\n" + apply.stdout() + apply.stderr());
                }
            }
            int exit = apply.await(Duration.ofSeconds(10));
            result = new FleetProcess.Result(exit, apply.stdout(), apply.stderr(),
                    Duration.ofNanos(System.nanoTime() - started));
            load = loadRun.stop();
            assertThat(sampler.failedSamples()).as("HAProxy samples that failed").isZero();
            assertThat(sampler.mostOutAtOnce()).as("most out of rotation at once: %s", sampler.worstSamples())
                    .isLessThanOrEqualTo(1);
            samples = sampler.samples();
        }
        String said = result.stdout() + result.stderr();
        load.assertZeroDowntime("while the fault was injected", said);
        return new Rolled(result, load, said, samples);
    }

    /** The fault the first time the progress shows {@code droplet}'s turn, never again. */
    private static final class Once implements Consumer<FleetProcess.Running> {
        private final Consumer<FleetProcess.Running> fault;
        private final String droplet;
        private boolean done;

        Once(Consumer<FleetProcess.Running> fault, String droplet) {
            this.fault = fault;
            this.droplet = droplet;
        }

        @Override
        public void accept(FleetProcess.Running apply) {
            // Only during that droplet's turn, which the last turn line of the progress names.
            if (!done && currentTurn(apply.stdout()).equals(droplet)) {
                done = true;
                fault.accept(apply);
            }
        }
    }

    /** The droplet whose turn the progress shows last ("   4.2s droplet-2" lines start a turn). */
    private static String currentTurn(String progress) {
        var matcher = Pattern.compile("(?m)^\\s*\\d+\\.\\ds (droplet-\\d+)$").matcher(progress);
        String turn = "";
        while (matcher.find()) {
            turn = matcher.group(1);
        }
        return turn;
    }

    private static void finishWithTheNextApply() {
        FleetProcess.Result next = apply();
        assertThat(next.exitCode()).as(next.stdout() + next.stderr()).isZero();
        assertConverged();
    }

    private static FleetProcess.Result apply() {
        return FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
    }

    private static void assertConverged() {
        String digest = lab().env(current).substring(lab().env(current).indexOf('@') + 1);
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(lab().dockerOn(droplet, "ps", "-a", "--format", "{{.Names}} {{.State}} {{.Label \"fleet.digest\"}}")
                    .output().strip()).as(droplet.name()).isEqualTo("demo running " + digest);
        }
        assertThat(lab().balancerStates().values()).allMatch(status -> status.startsWith("UP"));
    }

    private static String containerId(String droplet) {
        return lab().dockerOn(lab().droplet(droplet), "ps", "-aq", "--no-trunc").output().strip();
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
