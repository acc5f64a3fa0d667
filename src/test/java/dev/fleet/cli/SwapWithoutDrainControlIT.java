package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A negative control for every "0 failed requests" through HAProxy: the same strict load client, on
 * the same strict lab, while the app is swapped the wrong way (a {@code docker restart} of a container
 * still in rotation, with no drain). Requests must fail and be counted; a run that counts none means
 * the harness cannot see a failed rollout, and every zero it reports elsewhere means nothing.
 */
class SwapWithoutDrainControlIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final int RATE = 150;
    private static final int RESTARTS = 3;

    @Test
    void restartingAContainerStillInRotationFailsRequestsAndTheLoadCountsThem() {
        LabDroplet droplet = lab().droplet("droplet-1");
        assertThat(lab().balancerStates()).containsEntry("droplet-1", "UP");
        LoadRun.Summary load;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 120)) {
            pause(1_000);
            for (int i = 0; i < RESTARTS; i++) {
                Lab.CommandResult restart = lab().dockerOn(droplet, "restart", "--time", "1", lab().env("LAB_APP_CONTAINER"));
                assertThat(restart.succeeded()).as(restart.output()).isTrue();
                pause(3_000);
            }
            load = run.stop();
        }

        load.assertSawFailures("a docker restart of a container in HAProxy's rotation, " + RESTARTS + " times");
        assertThat(load.ok()).as("the other droplets kept answering: %s", load.raw()).isPositive();
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
