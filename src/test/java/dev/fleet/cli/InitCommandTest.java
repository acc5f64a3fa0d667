package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleet init}'s refusals that come before any droplet is asked; the rest is InitIT's, against an sshd. */
@QuarkusMainTest
class InitCommandTest {

    private static final String IMAGE =
            "registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

    @TempDir
    Path dir;

    @Test
    void aMalformedDropletIsRefusedAndNothingWritten(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("init", "--dir", dir.toString(), "--droplet", "web-1", "--image", IMAGE,
                "--balancer", "haproxy", "--accept-host-keys");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("fleet init: 'web-1': expected NAME=HOST[:PORT]");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void withoutATerminalEveryChoiceIsAFlag(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("init", "--dir", dir.toString(), "--image", IMAGE, "--balancer", "none");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("no droplet: give at least one --droplet NAME=HOST[:PORT]");
    }

    @Test
    void anImageByTagIsResolvedAtItsRegistryAndOneThatCannotBeIsRefused(QuarkusMainLauncher launcher)
            throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        LaunchResult result = launcher.launch("init", "--dir", dir.toString(), "--droplet", "a=127.0.0.1", "--image",
                "127.0.0.1:" + closed + "/demo:v1", "--balancer", "none");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("127.0.0.1:" + closed).contains("nothing written");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aRegistryLoginNeedsItsPasswordInTheEnvironment(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("init", "--dir", dir.toString(), "--droplet", "a=127.0.0.1", "--image",
                "127.0.0.1:5999/demo:v1", "--balancer", "none", "--registry-username", "ci");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("needs the registry's password in $FLEET_SECRET_REGISTRY_PASSWORD");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void anExistingStateIsNotReplacedWithoutForce(QuarkusMainLauncher launcher) throws Exception {
        Files.writeString(dir.resolve("fleet.yaml"), "mine\n");

        LaunchResult result = launcher.launch("init", "--dir", dir.toString(), "--droplet", "a=127.0.0.1", "--image",
                IMAGE, "--balancer", "none", "--accept-host-keys");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("fleet.yaml exists; nothing written (--force replaces it)");
        assertThat(dir.resolve("fleet.yaml")).hasContent("mine");
        assertThat(dir.resolve("known_hosts")).doesNotExist();
    }

    @Test
    void anUnreachableDropletIsNamedAndNothingWritten(QuarkusMainLauncher launcher) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        LaunchResult result = launcher.launch("init", "--dir", dir.toString(), "--droplet", "web-9=127.0.0.1:" + closed,
                "--image", IMAGE, "--balancer", "none", "--accept-host-keys");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.getErrorOutput()).contains("droplet web-9 (127.0.0.1:" + closed + "): cannot reach 127.0.0.1:"
                + closed).contains("nothing written");
        assertThat(dir).isEmptyDirectory();
    }
}
