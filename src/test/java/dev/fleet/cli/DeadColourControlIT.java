package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A negative control for every "0 failed requests" at a blue-green droplet's nginx: the same strict
 * load client, on the same lab, while nginx is switched the wrong way, to a colour that is not
 * listening (what a switch without fleet's health wait would do). Requests must fail and be counted.
 */
class DeadColourControlIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.blueGreen(1);

    private static final int RATE = 150;
    /** A loopback port nothing listens on: the colour that never started. */
    private static final int DEAD_PORT = 1;

    @Test
    void switchingNginxToAColourThatIsNotListeningFailsRequestsAndTheLoadCountsThem() {
        FleetProcess.Result apply = FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        LabDroplet droplet = lab().droplets().getFirst();
        String config = "/etc/nginx/conf.d/fleet-" + lab().env("LAB_APP_CONTAINER") + ".conf";
        String live = lab().onDroplet(droplet, "cat", config).output();
        assertThat(live).containsPattern("server 127\\.0\\.0\\.1:\\d+;");

        LoadRun.Summary load;
        try (LoadRun run = LoadRun.start(lab().nginxUri(droplet, "/").toString(), RATE, 120)) {
            pause(1_000);
            switchTo(droplet, config, "server 127.0.0.1:" + DEAD_PORT + ";");
            pause(1_000);
            Lab.CommandResult back = lab().onDroplet(droplet, "sh", "-c",
                    "printf '%s' \"$1\" > \"$2\" && nginx -s reload", "sh", live, config);
            assertThat(back.succeeded()).as(back.output()).isTrue();
            pause(1_000);
            load = run.stop();
        }

        load.assertSawFailures("nginx switched to a colour that is not listening, for a second");
        assertThat(load.failures()).as(load.raw()).containsKey("HTTP 502");
    }

    private static void switchTo(LabDroplet droplet, String config, String server) {
        Lab.CommandResult switched = lab().onDroplet(droplet, "sh", "-c",
                "sed -i -E \"s/server 127\\.0\\.0\\.1:[0-9]+;/$1/\" \"$2\" && nginx -s reload", "sh", server, config);
        assertThat(switched.succeeded()).as(switched.output()).isTrue();
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
