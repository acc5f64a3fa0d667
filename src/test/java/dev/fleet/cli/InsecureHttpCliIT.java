package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A credential that would cross the network in plain http is refused before fleet starts, unless
 * whoever runs it says {@code --allow-insecure-http}: a webhook's URL (often its only secret) and
 * the git token sent to a plain http remote. Plain http to this machine's loopback stays allowed.
 */
class InsecureHttpCliIT {

    private static final String TOKEN = "git-token-never-sent-3Vb";

    @Test
    void aWebhookOverPlainHttpToAnotherMachineIsRefusedBeforeTheWatchStarts() {
        FleetProcess.Result result = FleetProcess.run(Map.of(), "watch", "--state", "no-such-state.yaml",
                "--webhook", "http://192.0.2.1/hooks/T0KEN-in-the-path", "--listen", "127.0.0.1:0");

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(result.stderr()).contains("fleet watch: --webhook is plain http to another machine (192.0.2.1)",
                "--allow-insecure-http").doesNotContain("T0KEN-in-the-path");
        assertThat(result.stdout()).doesNotContain("serving");
    }

    @Test
    void aGitTokenForAPlainHttpRemoteIsRefusedBeforeAnyFetch() {
        FleetProcess.Result result = FleetProcess.run(Map.of("FLEET_GIT_TOKEN", TOKEN), "watch", "--repo",
                "http://192.0.2.1/acme/fleet-state.git", "--listen", "127.0.0.1:0");

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(result.stderr()).contains("--repo is plain http to another machine and FLEET_GIT_TOKEN would"
                + " cross the network unencrypted").doesNotContain(TOKEN);
        assertThat(result.took()).isLessThan(java.time.Duration.ofSeconds(20));
    }

    @Test
    void theWatchsHelpNamesTheFlagThatAllowsIt() {
        FleetProcess.Result help = FleetProcess.run(Map.of(), "watch", "--help");

        assertThat(help.stdout()).contains("--allow-insecure-http");
    }
}
