package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.infra.registry.FakeRegistry;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet set-image} as users run it: what it prints, and its exit codes. */
@QuarkusMainTest
class SetImageCommandTest {

    private static final String OLD = "sha256:" + "4f".repeat(32);
    private static final String NEW = "sha256:" + "9b".repeat(32);

    @TempDir
    Path dir;

    private Path state(String registry) throws Exception {
        return Files.writeString(dir.resolve("fleet.yaml"), "service:\n  name: demo\n  image: " + registry
                + "/team/demo@" + OLD + "\n");
    }

    @Test
    void aDigestIsSetAndTheChangeSaidOnStdout(QuarkusMainLauncher launcher) throws Exception {
        Path file = state("registry.example.com");

        LaunchResult result = launcher.launch("set-image", "registry.example.com/team/demo@" + NEW, "--state",
                file.toString());

        assertThat(result.exitCode()).isEqualTo(0);
        assertThat(result.getOutput()).contains("service.image set to registry.example.com/team/demo@" + NEW);
        assertThat(Files.readString(file)).contains("@" + NEW);
    }

    @Test
    void anUnknownTagExitsOneAndChangesNothing(QuarkusMainLauncher launcher) throws Exception {
        try (FakeRegistry registry = new FakeRegistry()) {
            Path file = state(registry.host());
            String before = Files.readString(file);

            LaunchResult result = launcher.launch("set-image", registry.host() + "/team/demo:v9", "--state",
                    file.toString());

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.getErrorOutput()).contains("tag not found in registry").contains("hint:");
            assertThat(Files.readString(file)).isEqualTo(before);
        }
    }

    @Test
    void aBadImageExitsOneSayingHowToWriteIt(QuarkusMainLauncher launcher) throws Exception {
        LaunchResult result = launcher.launch("set-image", "demo", "--state", state("r.example.com").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("neither a tag nor a digest");
    }

    @Test
    void aBrokenStateFileExitsOneWithThePosition(QuarkusMainLauncher launcher) throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), "service:\n  image: [unclosed\n");

        LaunchResult result = launcher.launch("set-image", "r.example.com/demo@" + NEW, "--state", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("broken.yaml:");
    }

    @Test
    void helpSaysAMultiPlatformTagGivesItsIndexDigest(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("set-image", "--help");

        assertThat(result.exitCode()).isEqualTo(0);
        assertThat(result.getOutput()).contains("Usage: fleet set-image").contains("--droplet=NAME")
                .contains("--commit").contains("index");
    }
}
