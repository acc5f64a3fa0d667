package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Figures;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Five {@code fleet apply} processes started together on the same new commit, twenty times: each
 * time exactly one takes the fleet's lock and rolls it, the other four exit 4 having changed
 * nothing (or, started after the rollout ended, find nothing to do). Every fifth time the holder is killed (SIGKILL) once it holds the lock, and a sixth
 * apply started then takes its lease over (its process is gone) and finishes the rollout.
 */
class ConcurrentApplyIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    private static final int ROUNDS = 20;
    private static final int TOGETHER = 5;

    @Test
    void fiveAppliesAtOnceLetExactlyOneRollAndAKilledHoldersLeaseIsTakenOver() {
        String current = "LAB_IMAGE_V1";
        int killedHolders = 0;
        int lockedOut = 0;
        int cameAfter = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            String target = current.equals("LAB_IMAGE_V1") ? "LAB_IMAGE_V2" : "LAB_IMAGE_V1";
            String from = current;
            lab().commitState(state -> state.replace(lab().env(from), lab().env(target)), "round " + round);
            boolean killHolder = round % 5 == 0;
            List<FleetProcess.Running> applies = new ArrayList<>();
            try {
                for (int i = 0; i < TOGETHER; i++) {
                    applies.add(FleetProcess.start(Map.of("FLEET_ACTOR", "runner-" + i), "apply", "--yes", "--state",
                            lab().stateFile().toString()));
                }
                FleetProcess.Running holder = killHolder ? awaitHolder(applies) : null;
                List<String> outcomes = new ArrayList<>();
                int rolled = 0;
                for (FleetProcess.Running apply : applies) {
                    if (apply == holder) {
                        continue;
                    }
                    int exit = apply.await(Duration.ofMinutes(3));
                    String said = apply.stdout() + apply.stderr();
                    if (exit == 0 && apply.stdout().contains(" converged ")) {
                        rolled++;
                        outcomes.add("rolled");
                    } else if (exit == 0 && apply.stdout().contains("nothing to do")) {
                        // Started so late that the rollout was over: it saw a converged fleet, took no lock.
                        cameAfter++;
                        outcomes.add("came after");
                    } else {
                        assertThat(exit).as("round %d, an apply that did not roll:%n%s", round, said).isEqualTo(4);
                        assertThat(apply.stderr()).contains("another apply holds the lock").contains("Nothing was changed");
                        lockedOut++;
                        outcomes.add("locked out");
                    }
                }
                if (holder != null) {
                    // The others are out by now: nobody but the next apply may find its lease.
                    assertThat(holder.isAlive()).as("the holder, still rolling when the others gave up").isTrue();
                    holder.kill();
                    killedHolders++;
                    outcomes.add("holder killed");
                }
                assertThat(rolled).as("round %d: %s", round, outcomes).isEqualTo(killHolder ? 0 : 1);
                if (killHolder) {
                    FleetProcess.Result next = FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
                    assertThat(next.exitCode()).as(next.stdout() + next.stderr()).isZero();
                    assertThat(next.stderr()).contains("took over the lease of run")
                            .contains("its process on this machine is gone");
                }
            } finally {
                applies.forEach(FleetProcess.Running::close);
            }
            String digest = lab().env(target).substring(lab().env(target).indexOf('@') + 1);
            for (LabDroplet droplet : lab().droplets()) {
                assertThat(lab().dockerOn(droplet, "ps", "-a", "--format", "{{.Names}} {{.Label \"fleet.digest\"}}")
                        .output().strip()).as("round %d, %s", round, droplet.name()).isEqualTo("demo " + digest);
            }
            current = target;
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rounds", ROUNDS);
        figures.put("appliesPerRound", TOGETHER);
        figures.put("lockedOut", lockedOut);
        figures.put("cameAfterTheRollout", cameAfter);
        figures.put("holdersKilled", killedHolders);
        Figures.write("concurrent-applies", figures);
    }

    /** The apply that holds the lock: the one that printed its plan, which it does only holding it. */
    private static FleetProcess.Running awaitHolder(List<FleetProcess.Running> applies) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            for (FleetProcess.Running apply : applies) {
                if (apply.stdout().contains("fleet plan: service")) {
                    return apply;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no apply took the lock");
    }

    private static Lab lab() {
        return lab.get();
    }
}
