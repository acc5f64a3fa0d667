package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blue-green across several droplets: one droplet at a time, in the state's order, each under
 * load at its own nginx (no balancer in front), and the rollout stops at the first that fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BlueGreenFleetIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.blueGreen(2);

    private static final int RATE = 100;

    @Test
    @Order(1)
    void twoDropletsMoveOneAtATimeWithNoFailedRequestAtEitherNginx() {
        FleetProcess.Result first = apply();
        assertThat(first.exitCode()).as(first.stdout() + first.stderr()).isZero();
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2")), "deploy v2");

        LoadRun.Summary one;
        LoadRun.Summary two;
        FleetProcess.Result apply;
        try (LoadRun load1 = LoadRun.start(nginx("droplet-1"), RATE, 300);
                LoadRun load2 = LoadRun.start(nginx("droplet-2"), RATE, 300)) {
            apply = apply();
            one = load1.stop();
            two = load2.stop();
        }

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        String out = apply.stdout();
        int firstStart = out.indexOf("ok     start demo-green");
        int firstRemoval = out.indexOf("ok     stop (grace");
        int secondStart = out.indexOf("ok     start demo-green", firstStart + 1);
        assertThat(firstStart).as(out).isPositive();
        assertThat(firstRemoval).as("droplet-1 is done before droplet-2 starts:%n%s", out)
                .isBetween(firstStart, secondStart);
        assertThat(out).containsPattern("droplet-1 +converged").containsPattern("droplet-2 +converged");
        for (LoadRun.Summary load : new LoadRun.Summary[] {one, two}) {
            load.assertZeroDowntime("at a droplet's nginx", out);
            assertThat(load.versions()).as(load.raw()).containsKeys("v1", "v2");
        }
    }

    @Test
    @Order(2)
    void theFirstDropletFailingStopsTheRolloutAndLeavesTheSecondUntouched() {
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_BAD")), "deploy bad");

        FleetProcess.Result apply = apply();

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(3);
        assertThat(apply.stdout()).containsPattern("droplet-1 +rolled-back").containsPattern("droplet-2 +skipped");
        for (String droplet : new String[] {"droplet-1", "droplet-2"}) {
            assertThat(lab().dockerOn(lab().droplet(droplet), "ps", "-a", "--format", "{{.Names}} {{.Label \"fleet.digest\"}}")
                    .output().strip()).as(droplet).isEqualTo("demo-green " + digest("LAB_IMAGE_V2"));
        }
    }

    private static String digest(String imageVariable) {
        String image = lab().env(imageVariable);
        return image.substring(image.indexOf('@') + 1);
    }

    private static Lab lab() {
        return lab.get();
    }

    private static String nginx(String droplet) {
        LabDroplet d = lab().droplet(droplet);
        return lab().nginxUri(d, "/").toString();
    }

    private static FleetProcess.Result apply() {
        return FleetProcess.run("apply", "--yes", "--state", lab().stateFile().toString());
    }
}
