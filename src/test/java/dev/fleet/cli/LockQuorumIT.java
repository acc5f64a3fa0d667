package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Figures;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LatencyProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The apply lock's drills (issue 18), on three droplets: the lease is held on a majority of the
 * droplets, so runners whose states list the droplets in another order never both act, an apply runs
 * with the first droplet stopped, and a holder cut off from the majority stops within one renewal
 * period while the other runner takes over only once its lease has lapsed. Whether two runs ever
 * acted at once is read from the droplets' journals, where every step's intent is written with its
 * run and time. Runs once, against the native build (the JVM pass excludes it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LockQuorumIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final int ROUNDS = 8;
    /** Short, so that the cut-off drill takes seconds: the holder renews every 4 s. */
    private static final Duration LEASE = Duration.ofSeconds(16);
    private static final Map<String, Object> FIGURES = new LinkedHashMap<>();
    private static String current = "LAB_IMAGE_V1";

    @AfterEach
    void noTwoRunsEverActedAtOnce() {
        Map<String, long[]> runs = new HashMap<>();
        for (LabDroplet droplet : lab().droplets()) {
            Lab.CommandResult journal = lab().ssh(droplet.name(), "cat", ".fleet/demo/journal");
            Matcher line = Pattern.compile("(?m)^run=(\\S+) .*\\bat=(\\d+)").matcher(journal.output());
            while (line.find()) {
                long at = Long.parseLong(line.group(2));
                runs.merge(line.group(1), new long[] {at, at},
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        List<String> overlaps = new ArrayList<>();
        runs.forEach((a, spanA) -> runs.forEach((b, spanB) -> {
            if (a.compareTo(b) < 0 && spanA[0] < spanB[1] && spanB[0] < spanA[1]) {
                overlaps.add(a + " " + spanA[0] + ".." + spanA[1] + " and " + b + " " + spanB[0] + ".." + spanB[1]);
            }
        }));
        assertThat(overlaps).as("runs whose steps interleaved in the journals of %d runs", runs.size()).isEmpty();
        FIGURES.put("runsInJournals", runs.size());
        FIGURES.put("overlappingRuns", overlaps.size());
    }

    @AfterAll
    static void writeFigures() {
        Figures.write("lock", FIGURES);
    }

    @Test
    @Order(1)
    void twoRunnersWhoseStatesListTheDropletsInAnotherOrderNeverBothRoll() throws IOException {
        Path reordered = lab().stateFile().resolveSibling("reordered.yaml");
        int rolled = 0;
        int lockedOut = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            String target = flip("round " + round);
            Files.writeString(reordered, reversedDroplets(Files.readString(lab().stateFile())));
            try (FleetProcess.Running watch = start("watch-runner", lab().stateFile());
                    FleetProcess.Running ci = start("ci-runner", reordered)) {
                int rolledThisRound = 0;
                for (FleetProcess.Running runner : List.of(watch, ci)) {
                    int exit = runner.await(Duration.ofMinutes(3));
                    String said = runner.stdout() + runner.stderr();
                    if (exit == 0 && runner.stdout().contains(" converged ")) {
                        rolledThisRound++;
                    } else if (exit != 0 || !runner.stdout().contains("nothing to do")) {
                        assertThat(exit).as("round %d, a runner that did not roll:%n%s", round, said)
                                .isEqualTo(ExitCodes.LOCKED);
                        assertThat(said).contains("another apply holds the lock").contains("Nothing was changed");
                        lockedOut++;
                    }
                }
                assertThat(rolledThisRound).as("round %d: runners that rolled", round).isEqualTo(1);
                rolled += rolledThisRound;
            }
            assertRunning(target, lab().droplets());
        }
        FIGURES.put("reorderedRounds", ROUNDS);
        FIGURES.put("reorderedRolled", rolled);
        FIGURES.put("reorderedLockedOut", lockedOut);
    }

    @Test
    @Order(2)
    void anApplyRunsWithTheFirstDropletStoppedAndTheHistoryIsKept() {
        LabDroplet first = lab().droplet("droplet-1");
        lab().commitState(state -> state.replace("max-unavailable: 1", "max-unavailable: 2"), "room for a droplet down");
        lab().stopDroplet(first);
        try {
            String target = flip("deploy with droplet-1 stopped");
            FleetProcess.Result apply = FleetProcess.run(Map.of("FLEET_ACTOR", "first-down"), "apply", "--yes",
                    "--state", lab().stateFile().toString());
            String said = apply.stdout() + apply.stderr();

            // Converged where it could reach; droplet-1 left as it was, which exit 2 says.
            assertThat(apply.exitCode()).as(said).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(apply.stderr()).contains("not converged everywhere: droplet-1 (unreachable")
                    .doesNotContain("lock");
            assertRunning(target, List.of(lab().droplet("droplet-2"), lab().droplet("droplet-3")));
            FleetProcess.Result history = FleetProcess.run("history", "--state", lab().stateFile().toString());
            assertThat(history.exitCode()).as(history.stderr()).isZero();
            assertThat(history.stdout()).contains("by first-down");
            FIGURES.put("firstDropletDownApplySeconds", apply.took().toMillis() / 1000.0);
        } finally {
            lab().startDroplet(first);
        }
        FleetProcess.Result next = FleetProcess.run(Map.of("FLEET_ACTOR", "first-back"), "apply", "--yes", "--state",
                lab().stateFile().toString());
        assertThat(next.exitCode()).as(next.stdout() + next.stderr()).isZero();
        assertRunning(current, lab().droplets());
        FleetProcess.Result history = FleetProcess.run("history", "--state", lab().stateFile().toString());
        assertThat(history.stdout()).containsOnlyOnce("by first-down").containsOnlyOnce("by first-back");
        lab().commitState(state -> state.replace("max-unavailable: 2", "max-unavailable: 1"), "budget as it was");
    }

    @Test
    @Order(3)
    void aHolderCutOffFromTheMajorityStopsWithinARenewalPeriodAndTheOtherTakesOverOnlyAfterItsLeaseLapsed()
            throws IOException, InterruptedException {
        String target = flip("deploy while a runner is cut off");
        LabDroplet one = lab().droplet("droplet-1");
        LabDroplet two = lab().droplet("droplet-2");
        try (LatencyProxy toOne = LatencyProxy.to("127.0.0.1", one.sshPort(), Duration.ZERO);
                LatencyProxy toTwo = LatencyProxy.to("127.0.0.1", two.sshPort(), Duration.ZERO)) {
            // The cut-off runner reaches droplets 1 and 2 through proxies, and rolls droplet-3 first.
            Path cutOff = cutOffState(Map.of(one, toOne.port(), two, toTwo.port()));
            FleetProcess.Running holder = start("cut-off", cutOff);
            // Cut once droplet-3's new container started: its health wait (12 s of minimum healthy time)
            // outlasts a renewal period, so the holder is still at work on the droplet it reaches.
            awaitOutput(holder, Pattern.compile("(?m)ok\\s+start demo on"));
            long cut = System.nanoTime();
            toOne.close();
            toTwo.close();
            // The other runner tries from the moment of the cut, while the holder still runs.
            double stoppedAfter = -1;
            List<Double> refusedAt = new ArrayList<>();
            FleetProcess.Result took = null;
            double tookOverAfter = -1;
            while (took == null && seconds(System.nanoTime() - cut) < 90) {
                double startedAfter = seconds(System.nanoTime() - cut);
                FleetProcess.Result attempt = FleetProcess.run(env("other"), "apply", "--yes", "--state",
                        lab().stateFile().toString());
                if (stoppedAfter < 0 && holder.stderr().contains("could not be renewed")) {
                    stoppedAfter = seconds(System.nanoTime() - cut);
                }
                if (attempt.exitCode() == ExitCodes.LOCKED) {
                    refusedAt.add(seconds(System.nanoTime() - cut));
                    Thread.sleep(200);
                } else {
                    took = attempt;
                    tookOverAfter = startedAfter;
                }
            }
            int holderExit = holder.await(Duration.ofMinutes(2));
            String holderSaid = holder.stdout() + holder.stderr();

            assertThat(stoppedAfter).as("seconds from the cut until the holder knew it must stop:%n%s", holderSaid)
                    .isBetween(0.0, LEASE.toSeconds() / 4.0 + 6);
            assertThat(holderExit).as(holderSaid).isNotZero();
            assertThat(holderSaid).contains("stopping before the next step");
            assertThat(took).as("the other runner never got the lock").isNotNull();
            assertThat(took.exitCode()).as(took.stdout() + took.stderr()).isZero();
            assertThat(refusedAt).as("the other runner, refused while the cut-off holder's lease ran").isNotEmpty();
            // The holder last renewed at most a renewal period before the cut, so its lease ran at least
            // three quarters of its length after it; the attempt that took over started at most a second
            // before it took the lease.
            assertThat(tookOverAfter).as("seconds from the cut until the attempt that took over started")
                    .isGreaterThanOrEqualTo(LEASE.toSeconds() * 3 / 4.0 - 1.5);
            assertRunning(target, lab().droplets());
            FIGURES.put("leaseSeconds", LEASE.toSeconds());
            FIGURES.put("cutOffStoppedAfterSeconds", stoppedAfter);
            FIGURES.put("otherTookOverAfterSeconds", tookOverAfter);
            FIGURES.put("otherRefusedWhileLeaseRan", refusedAt.size());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static FleetProcess.Running start(String actor, Path state) {
        return FleetProcess.start(env(actor), "apply", "--yes", "--state", state.toString());
    }

    private static Map<String, String> env(String actor) {
        return Map.of("FLEET_ACTOR", actor, "FLEET_LOCK_LEASE", LEASE.toSeconds() + "s");
    }

    /** Commits the other lab image; returns the variable naming it. */
    private static String flip(String message) {
        String target = current.equals("LAB_IMAGE_V1") ? "LAB_IMAGE_V2" : "LAB_IMAGE_V1";
        String from = current;
        lab().commitState(state -> state.replace(lab().env(from), lab().env(target)), message);
        current = target;
        return target;
    }

    /** The state with its droplet list (the file's last section) in the reverse order. */
    static String reversedDroplets(String state) {
        int start = state.indexOf("\n  - name: ");
        List<String> droplets = new ArrayList<>(List.of(state.substring(start + 1).split("(?m)^(?=  - name: )")));
        java.util.Collections.reverse(droplets);
        return state.substring(0, start + 1) + String.join("", droplets.stream()
                .map(d -> d.endsWith("\n") ? d : d + "\n").toList());
    }

    /**
     * A state beside the lab's, droplet-3 first, the given droplets reached at other ports (their host
     * keys there too), and a new container that must stay healthy 12 s.
     */
    private static Path cutOffState(Map<LabDroplet, Integer> ports) throws IOException {
        Path folder = lab().stateFile().getParent();
        String knownHosts = Files.readString(folder.resolve("known_hosts"));
        StringBuilder extra = new StringBuilder(knownHosts);
        String state = reversedDroplets(Files.readString(lab().stateFile()));
        for (Map.Entry<LabDroplet, Integer> entry : ports.entrySet()) {
            String direct = "[127.0.0.1]:" + entry.getKey().sshPort() + " ";
            knownHosts.lines().filter(line -> line.startsWith(direct)).forEach(line -> extra
                    .append("[127.0.0.1]:").append(entry.getValue()).append(' ')
                    .append(line.substring(direct.length())).append('\n'));
            state = state.replace("port: " + entry.getKey().sshPort() + "\n", "port: " + entry.getValue() + "\n");
        }
        Files.writeString(folder.resolve("known_hosts-cut-off"), extra);
        Path file = folder.resolve("cut-off.yaml");
        Files.writeString(file, state.replace("known-hosts: known_hosts", "known-hosts: known_hosts-cut-off")
                .replace("min-healthy-time: 1s", "min-healthy-time: 12s"));
        return file;
    }

    private static void awaitOutput(FleetProcess.Running process, Pattern wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!wanted.matcher(process.stdout() + process.stderr()).find()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("never saw " + wanted + ":\n" + process.stdout() + process.stderr());
            }
            Thread.sleep(20);
        }
    }

    private static void assertRunning(String image, List<LabDroplet> droplets) {
        String digest = lab().env(image).substring(lab().env(image).indexOf('@') + 1);
        for (LabDroplet droplet : droplets) {
            assertThat(lab().dockerOn(droplet, "ps", "--format", "{{.Names}} {{.Label \"fleet.digest\"}}").output().strip())
                    .as(droplet.name()).isEqualTo("demo " + digest);
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 100_000_000.0) / 10.0;
    }

    private static Lab lab() {
        return lab.get();
    }
}
