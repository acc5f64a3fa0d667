package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;

/** What a lab fleet looks like once an apply converged it, asserted from the droplets and HAProxy. */
final class Converged {

    private Converged() {}

    /**
     * Every droplet runs exactly one container, the app's, on the image {@code target} names (a
     * lab variable), and HAProxy has it UP.
     *
     * @param where what happened before, for the messages
     */
    static void assertConverged(Lab lab, String target, String where) {
        String digest = lab.env(target).substring(lab.env(target).indexOf('@') + 1);
        for (LabDroplet droplet : lab.droplets()) {
            String containers = lab.dockerOn(droplet, "ps", "-a", "--format",
                    "{{.Names}} {{.State}} {{.Label \"fleet.digest\"}}").output().strip();
            assertThat(containers).as("%s's containers after the kill %s", droplet.name(), where)
                    .isEqualTo("demo running " + digest);
        }
        assertThat(lab.balancerStates()).as("HAProxy after the kill %s", where).allSatisfy((server, status) ->
                assertThat(status).startsWith("UP"));
    }
}
