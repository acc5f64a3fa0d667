package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How fleet reaches each droplet's Docker engine, on a real lab: straight to its socket over a
 * {@code direct-streamlocal} channel where the droplet's sshd allows it (the lab's, like OpenSSH's
 * default, does), and through {@code docker system dial-stdio} on a droplet whose sshd forbids it.
 * Both a drift and an apply work either way; {@code --debug} says which way each droplet went.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamLocalIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    private static final String STREAMLOCAL = "through a direct-streamlocal channel to /var/run/docker.sock";
    private static final String DIAL_STDIO = "through docker system dial-stdio";
    private static final String REFUSE = "/etc/ssh/sshd_config.d/05-no-streamlocal.conf";

    @Test
    @Order(1)
    void aDriftAndAnApplyReachEveryEngineOverStreamlocal() {
        FleetProcess.Result drift = FleetProcess.run("drift", "--debug", "--state", lab().stateFile().toString());

        assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isZero();
        assertThat(engineLines(drift.stderr())).hasSize(2).allSatisfy(line -> assertThat(line).contains(STREAMLOCAL));

        deploy("LAB_IMAGE_V1", "LAB_IMAGE_V2", "v2 over streamlocal");
        FleetProcess.Result apply = FleetProcess.run("apply", "--yes", "--debug", "--state", lab().stateFile().toString());

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        assertThat(engineLines(apply.stderr())).isNotEmpty().allSatisfy(line -> assertThat(line).contains(STREAMLOCAL));
        assertRunning("LAB_IMAGE_V2");
    }

    @Test
    @Order(2)
    void aDropletWhoseSshdForbidsStreamlocalIsReachedThroughDialStdio() {
        LabDroplet refusing = lab().droplets().get(1);
        LabDroplet allowing = lab().droplets().get(0);
        // A drop-in is read before the main file, and sshd keeps the first value it reads.
        lab().onDroplet(refusing, "sh", "-c", "echo 'AllowStreamLocalForwarding no' > " + REFUSE
                + " && kill -HUP $(cat /run/sshd.pid)");
        try {
            awaitSshd(refusing);
            FleetProcess.Result drift = FleetProcess.run("drift", "--debug", "--state", lab().stateFile().toString());

            assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isZero();
            assertThat(engineLine(drift.stderr(), allowing)).contains(STREAMLOCAL);
            assertThat(engineLine(drift.stderr(), refusing)).contains(DIAL_STDIO);

            deploy("LAB_IMAGE_V2", "LAB_IMAGE_V1", "back to v1, one droplet through dial-stdio");
            FleetProcess.Result apply = FleetProcess.run("apply", "--yes", "--debug", "--state",
                    lab().stateFile().toString());

            assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
            assertThat(engineLine(apply.stderr(), refusing)).contains(DIAL_STDIO);
            assertRunning("LAB_IMAGE_V1");
        } finally {
            lab().onDroplet(refusing, "sh", "-c", "rm -f " + REFUSE + " && kill -HUP $(cat /run/sshd.pid)");
            awaitSshd(refusing);
        }
    }

    private static void deploy(String from, String to, String message) {
        lab().commitState(state -> state.replace(lab().env(from), lab().env(to)), message);
    }

    private static void assertRunning(String imageVariable) {
        String image = lab().env(imageVariable);
        for (LabDroplet droplet : lab().droplets()) {
            String running = lab().dockerOn(droplet, "inspect", "-f", "{{.Config.Image}}", lab().env("LAB_APP_CONTAINER"))
                    .output().strip();
            assertThat(running).as(droplet.name()).isEqualTo(image);
        }
    }

    /** sshd re-executes itself on SIGHUP: wait until it takes connections again. */
    private static void awaitSshd(LabDroplet droplet) {
        for (int i = 0; i < 50; i++) {
            if (lab().ssh(droplet.name(), "true").succeeded()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the sshd of " + droplet.name() + " did not come back after SIGHUP");
    }

    private static List<String> engineLines(String stderr) {
        return stderr.lines().filter(line -> line.contains("Reached the Docker engine on")).toList();
    }

    private static String engineLine(String stderr, LabDroplet droplet) {
        return engineLines(stderr).stream().filter(line -> line.contains(":" + droplet.sshPort() + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no engine line for " + droplet.name() + ":\n" + stderr));
    }

    private static Lab lab() {
        return lab.get();
    }
}
