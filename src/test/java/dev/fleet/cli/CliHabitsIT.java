package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.desired.load.StateFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Habits users bring from other command-line tools, checked through the {@code fleet} process on a
 * fleet none of whose droplets answers (nothing listens at their SSH ports): every command that
 * observes says so and exits {@value ExitCodes#UNREACHABLE}, which CI tells apart from drift (2);
 * short options, {@code FORCE_COLOR}, and the watch's source from the environment.
 */
class CliHabitsIT {

    private static final String ESCAPE = "\u001b[";

    @TempDir
    static Path dir;

    private static StateFixture fixture;
    private static Path state;

    @BeforeAll
    static void aStateWhoseDropletsListenNowhere() throws IOException {
        fixture = new StateFixture(dir);
        String text = Files.readString(StateFixture.resource("valid/minimal.yaml"));
        for (int i = 1; i <= 2; i++) {
            text = text.replace("    host: 10.0.0." + i + "\n", "    host: 127.0.0.1\n    port: " + closedPort() + "\n");
        }
        state = Files.writeString(dir.resolve("fleet.yaml"), text);
    }

    @Test
    void driftReportsEveryDropletUnreachableInWordsAndExitsFive() {
        FleetProcess.Result drift = FleetProcess.run(fixture.env, "drift", "--state", state.toString());

        assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(drift.stdout()).containsPattern("droplet-1 +UNREACHABLE").containsPattern("droplet-2 +UNREACHABLE")
                .contains("unreachable: ").doesNotContain("(REFUSED)").doesNotContain("(OTHER)");
    }

    @Test
    void planOnAFleetItCannotReachSaysThatFirstAndOnlyThat() {
        FleetProcess.Result plan = FleetProcess.run(fixture.env, "plan", "--state", state.toString());

        assertThat(plan.exitCode()).as(plan.stdout() + plan.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(plan.stdout()).startsWith("No droplet could be reached, so there is nothing to plan:\n")
                .contains("  droplet-1: unreachable: ").contains("  droplet-2: unreachable: ")
                .doesNotContain("Nothing to change").doesNotContain("would refuse");
        assertThat(plan.stdout().lines()).hasSize(3);
    }

    @Test
    void planAsJsonOnAFleetItCannotReachSaysSoInItsSchemaAndNothingElse() throws Exception {
        FleetProcess.Result plan = FleetProcess.run(fixture.env, "plan", "-s", state.toString(), "-o", "json");

        assertThat(plan.exitCode()).as(plan.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        JsonNode json = new ObjectMapper().readTree(plan.stdout());
        assertThat(json.path("schema").asText()).isEqualTo("fleet.plan/v1");
        assertThat(json.path("outcome").asText()).isEqualTo("unreachable");
        assertThat(json.path("unreachable")).extracting(node -> node.path("droplet").asText())
                .containsExactly("droplet-1", "droplet-2");
        assertThat(json.path("unreachable").get(0).path("reason").asText()).startsWith("unreachable: ");
        assertThat(json.has("droplets")).isFalse();
        assertThat(json.path("refusals")).isEmpty();
        FleetProcess.Result wrong = FleetProcess.run(fixture.env, "plan", "-s", state.toString(), "-o", "yaml");
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(wrong.stderr()).contains("--output is text or json, not 'yaml'");
    }

    @Test
    void applyOnAFleetItCannotReachChangesNothingAndExitsFive() {
        FleetProcess.Result apply = FleetProcess.run(fixture.env, "apply", "--yes", "--state", state.toString());

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
    }

    @Test
    void logsAndExecOnAFleetItCannotReachSayWhyAndExitFive() {
        FleetProcess.Result logs = FleetProcess.run(fixture.env, "logs", "-s", state.toString());

        assertThat(logs.exitCode()).as(logs.stdout() + logs.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(logs.stderr()).contains("droplet-1: unreachable: ").contains("droplet-2: unreachable: ");
        FleetProcess.Result exec = FleetProcess.run(fixture.env, "exec", "-s", state.toString(), "droplet-2", "--", "true");
        assertThat(exec.exitCode()).as(exec.stdout() + exec.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(exec.stderr()).startsWith("fleet exec: droplet-2: ");
    }

    @Test
    void theTopLevelHelpListsEveryExitCode() {
        FleetProcess.Result help = FleetProcess.run("--help");

        assertThat(help.exitCode()).isZero();
        for (int code = 0; code <= ExitCodes.UNREACHABLE; code++) {
            assertThat(help.stdout()).as("exit code %d", code).containsPattern("(?m)^\\s+" + code + "\\s+\\S");
        }
    }

    @Test
    void shortOptionsWorkWhereLongOnesDo() {
        FleetProcess.Result drift = FleetProcess.run(fixture.env, "drift", "-s", state.toString(), "-o", "json");

        assertThat(drift.exitCode()).as(drift.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(drift.stdout()).startsWith("{").contains("\"UNREACHABLE\"")
                .containsPattern("\"unreachableReason\": \"[a-z_]+\"").doesNotContain("\"unreachableReason\": null");
        FleetProcess.Result apply = FleetProcess.run(fixture.env, "apply", "-y", "-s", state.toString());
        assertThat(apply.exitCode()).as(apply.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
    }

    @Test
    void statusAndApplyAsJsonSayWhichDropletsWereNotReachedAndExitFive() throws Exception {
        FleetProcess.Result status = FleetProcess.run(fixture.env, "status", "-s", state.toString());
        FleetProcess.Result statusJson = FleetProcess.run(fixture.env, "ps", "-s", state.toString(), "-o", "json");
        FleetProcess.Result apply = FleetProcess.run(fixture.env, "apply", "-y", "-s", state.toString(), "-o", "json");

        assertThat(status.exitCode()).as(status.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(status.stdout()).containsPattern("(?m)^droplet-1 +unreachable: \\S").doesNotContain("unreachable: unreachable")
                .doesNotContain("(OTHER)");
        JsonNode droplet = new ObjectMapper().readTree(statusJson.stdout()).path("droplets").get(0);
        assertThat(statusJson.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(droplet.path("status").asText()).isEqualTo("unreachable");
        assertThat(droplet.path("containers")).isEmpty();
        JsonNode result = new ObjectMapper().readTree(apply.stdout());
        assertThat(apply.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.path("schema").asText()).isEqualTo("fleet.apply/v1");
        assertThat(result.path("exitCode").asInt()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.path("unreachable").get(0).path("reason").asText()).startsWith("unreachable: ");
        assertThat(result.path("outcome").asText()).isEqualTo("lock_unavailable"); // the lock lives on the droplets
        assertThat(result.path("problem").asText()).contains("none of them answered");
        assertThat(apply.stderr()).contains("cannot take the apply lock");
    }

    @Test
    void theExecutablesCompletionScriptCompletesEveryCommandAndItsOptions(@TempDir Path scripts) throws Exception {
        FleetProcess.Result completion = FleetProcess.run("completion", "bash");
        Path script = Files.writeString(scripts.resolve("fleet.bash"), completion.stdout());

        assertThat(completion.exitCode()).as(completion.stderr()).isZero();
        assertThat(CompletionCommandTest.complete(script, "fleet", "sta")).isEqualTo("status");
        assertThat(CompletionCommandTest.complete(script, "fleet", "lo")).isEqualTo("logs");
        assertThat(CompletionCommandTest.complete(script, "fleet", "logs", "--fol")).isEqualTo("--follow");
        assertThat(CompletionCommandTest.complete(script, "fleet", "apply", "--out")).isEqualTo("--output");
    }

    @Test
    void fleetStateIsTheDefaultState() {
        FleetProcess.Result drift = FleetProcess.run(withEnv("FLEET_STATE", state.toString()), "drift");

        assertThat(drift.exitCode()).as(drift.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(drift.stdout()).contains("droplet-1");
    }

    @Test
    void forceColorColoursATableWrittenToAFileAndNoColorWinsOverIt() {
        FleetProcess.Result forced = FleetProcess.run(withEnv("FORCE_COLOR", "1"), "drift", "-s", state.toString());
        FleetProcess.Result plain = FleetProcess.run(fixture.env, "drift", "-s", state.toString());
        Map<String, String> both = new HashMap<>(withEnv("FORCE_COLOR", "1"));
        both.put("NO_COLOR", "1");
        FleetProcess.Result none = FleetProcess.run(both, "drift", "-s", state.toString());

        assertThat(forced.stdout()).contains(ESCAPE);
        assertThat(plain.stdout()).doesNotContain(ESCAPE).contains("UNREACHABLE");
        assertThat(none.stdout()).doesNotContain(ESCAPE).contains("UNREACHABLE");
    }

    @Test
    void watchTakesItsStateFromFleetStateOrFleetRepoButNotBoth() {
        // Refused for its webhook after the source was settled: FLEET_STATE was taken.
        FleetProcess.Result fromState = FleetProcess.run(withEnv("FLEET_STATE", state.toString()), "watch",
                "--webhook", "http://192.0.2.1/hook", "--listen", "127.0.0.1:0");
        assertThat(fromState.exitCode()).as(fromState.stderr()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(fromState.stderr()).contains("--webhook is plain http to another machine");

        Map<String, String> repo = withEnv("FLEET_REPO", "http://192.0.2.1/acme/fleet-state.git");
        repo.put("FLEET_GIT_TOKEN", "git-token-never-sent-8Qx");
        FleetProcess.Result fromRepo = FleetProcess.run(repo, "watch", "--listen", "127.0.0.1:0");
        assertThat(fromRepo.exitCode()).as(fromRepo.stderr()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(fromRepo.stderr()).contains("--repo is plain http to another machine")
                .doesNotContain("git-token-never-sent-8Qx");

        repo.put("FLEET_STATE", state.toString());
        FleetProcess.Result both = FleetProcess.run(repo, "watch", "--listen", "127.0.0.1:0");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(both.stderr()).contains("FLEET_REPO and FLEET_STATE are both set");

        FleetProcess.Result neither = FleetProcess.run(fixture.env, "watch", "--listen", "127.0.0.1:0");
        assertThat(neither.exitCode()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(neither.stderr()).contains("pass --state FILE or --repo URL, or set FLEET_STATE or FLEET_REPO");
    }

    private static Map<String, String> withEnv(String name, String value) {
        Map<String, String> environment = new HashMap<>(fixture.env);
        environment.put(name, value);
        return environment;
    }

    /** A loopback port nothing listens on any more: connecting to it is refused at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
