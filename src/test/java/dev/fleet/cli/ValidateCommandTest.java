package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet validate} through picocli: its exit codes, and where its answers go. */
@QuarkusMainTest
class ValidateCommandTest {

    @TempDir
    Path dir;

    @Test
    void theExampleAloneInAFolderIsValid(QuarkusMainLauncher launcher) throws Exception {
        Path file = Files.copy(Path.of("fleet-state/example.yaml"), dir.resolve("fleet.yaml"));

        LaunchResult result = launcher.launch("validate", "--state", file.toString());

        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        assertThat(result.getOutput()).isEqualTo(file + ": valid (3 droplets, image registry.example.com/team/demo"
                + "@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945, balancer haproxy)");
        assertThat(result.getErrorOutput()).isEmpty();
    }

    @Test
    void severalServicesAreListedEachWithItsRoleAndDroplets(QuarkusMainLauncher launcher) throws Exception {
        Path file = Files.copy(Path.of("fleet-state/example-services.yaml"), dir.resolve("fleet.yaml"));

        LaunchResult result = launcher.launch("validate", "--state", file.toString());

        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        assertThat(result.getOutput()).isEqualTo(String.join("\n",
                file + ": valid (3 droplets, image registry.example.com/team/demo"
                        + "@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945, balancer haproxy)",
                "  service web (traffic) on droplet-1, droplet-2, droplet-3",
                "  service worker (worker) on droplet-1, droplet-2",
                "  service db (accessory) on droplet-3"));
    }

    @Test
    void aBrokenFileFailsWithEveryProblemAtItsPosition(QuarkusMainLauncher launcher) throws Exception {
        String example = Files.readString(Path.of("fleet-state/example.yaml"));
        Path file = Files.writeString(dir.resolve("fleet.yaml"), example.replace("restart: always", "restart: sometimes")
                .replace("max-unavailable: 1", "max-unavailable: 0"));

        LaunchResult result = launcher.launch("validate", "--state", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getOutput()).isEmpty();
        assertThat(result.getErrorOutput()).containsPattern(file + ":\\d+:\\d+: service\\.restart: ")
                .containsPattern(file + ":\\d+:\\d+: rollout\\.max-unavailable: ");
    }

    @Test
    void aMissingFileFails(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("validate", "--state", dir.resolve("nothing.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("nothing.yaml");
    }
}
