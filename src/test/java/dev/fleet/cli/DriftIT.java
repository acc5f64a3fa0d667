package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet drift} against a real lab: every status comes from a situation made for real on a
 * droplet (a wrong digest, a removed or stopped container, a failing app, a droplet powered off, a
 * changed or unknown host key, an extra container), observed over real SSH and Docker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DriftIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** The droplet a test broke, put back on v1 and in rotation after it. */
    private LabDroplet broken;

    @AfterEach
    void restoreBrokenDroplet() throws Exception {
        if (broken == null) {
            return;
        }
        if (!lab.get().dockerOn(broken, "info").succeeded()) {
            lab.get().startDroplet(broken);
        }
        lab.get().dockerOn(broken, "rm", "-f", "demo-canary");
        lab.get().runApp(broken, lab.get().env("LAB_IMAGE_V1"));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!"UP".equals(lab.get().balancerStates().get(broken.name())) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(lab.get().balancerStates()).containsEntry(broken.name(), "UP");
    }

    @Test
    @Order(1)
    void aFreshLabIsInSyncAndExitsZero() throws IOException {
        FleetProcess.Result result = drift(stateFile(), "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        JsonNode report = JSON.readTree(result.stdout());
        assertThat(statuses(report)).containsOnly(
                Map.entry("droplet-1", "IN_SYNC"), Map.entry("droplet-2", "IN_SYNC"), Map.entry("droplet-3", "IN_SYNC"));
        assertThat(report.get("clean").asBoolean()).isTrue();
        assertThat(report.get("revision").get("commit").asText()).hasSize(40);
        String v1Digest = digestOf(lab.get().env("LAB_IMAGE_V1"));
        for (JsonNode droplet : report.get("droplets")) {
            assertThat(droplet.get("runningDigest").asText()).isEqualTo(v1Digest);
            assertThat(droplet.get("health").asText()).isEqualTo("HEALTHY");
            assertThat(droplet.get("balancer").asText()).isEqualTo("UP");
        }
    }

    @Test
    @Order(2)
    void aDropletRunningAnotherDigestIsImageDrift() throws IOException {
        broken = lab.get().droplet("droplet-2");
        lab.get().runApp(broken, lab.get().env("LAB_IMAGE_V2"));

        FleetProcess.Result result = drift(stateFile(), "json");

        assertThat(result.exitCode()).isEqualTo(2);
        JsonNode droplet = droplet(JSON.readTree(result.stdout()), "droplet-2");
        assertThat(droplet.get("status").asText()).isEqualTo("IMAGE_DRIFT");
        assertThat(droplet.get("runningDigest").asText()).isEqualTo(digestOf(lab.get().env("LAB_IMAGE_V2")));
        assertThat(droplet.get("desiredDigest").asText()).isEqualTo(digestOf(lab.get().env("LAB_IMAGE_V1")));
        assertThat(statuses(JSON.readTree(result.stdout()))).containsEntry("droplet-1", "IN_SYNC");
    }

    @Test
    @Order(3)
    void aRemovedContainerIsMissing() throws IOException {
        broken = lab.get().droplet("droplet-3");
        assertThat(lab.get().dockerOn(broken, "rm", "-f", "demo").succeeded()).isTrue();

        FleetProcess.Result result = drift(stateFile(), "json");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(droplet(JSON.readTree(result.stdout()), "droplet-3").get("status").asText()).isEqualTo("MISSING");
    }

    @Test
    @Order(4)
    void aStoppedContainerIsStoppedWithItsExitCode() throws IOException {
        broken = lab.get().droplet("droplet-1");
        assertThat(lab.get().dockerOn(broken, "stop", "demo").succeeded()).isTrue();

        FleetProcess.Result result = drift(stateFile(), "json");

        assertThat(result.exitCode()).isEqualTo(2);
        JsonNode droplet = droplet(JSON.readTree(result.stdout()), "droplet-1");
        assertThat(droplet.get("status").asText()).isEqualTo("STOPPED");
        assertThat(droplet.get("reason").asText()).contains("exited").contains("exit code 0");
    }

    @Test
    @Order(5)
    void anAppWhoseHealthFailsIsUnhealthy() throws Exception {
        broken = lab.get().droplet("droplet-2");
        assertThat(get(lab.get().appUri(broken, "/shutdown"))).isEqualTo(200);

        FleetProcess.Result result = drift(stateFile(), "json");

        assertThat(result.exitCode()).isEqualTo(2);
        JsonNode droplet = droplet(JSON.readTree(result.stdout()), "droplet-2");
        assertThat(droplet.get("status").asText()).isEqualTo("UNHEALTHY");
        assertThat(droplet.get("health").asText()).isEqualTo("FAILING");
        assertThat(droplet.get("reason").asText()).contains("503");
    }

    @Test
    @Order(6)
    void aDropletThatIsDownIsUnreachableWhileTheOthersAreStillReported() throws IOException {
        broken = lab.get().droplet("droplet-3");
        lab.get().stopDroplet(broken);

        FleetProcess.Result result = drift(stateFile(), "json");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        JsonNode report = JSON.readTree(result.stdout());
        assertThat(droplet(report, "droplet-3").get("status").asText()).isEqualTo("UNREACHABLE");
        assertThat(droplet(report, "droplet-3").get("reason").asText()).startsWith("unreachable: ")
                .containsAnyOf("nothing accepts SSH connections", "did not answer");
        assertThat(statuses(report)).containsEntry("droplet-1", "IN_SYNC");
    }

    @Test
    @Order(7)
    void aChangedHostKeyIsRefusedNamingTheExpectedAndPresentedFingerprints() throws IOException {
        LabDroplet target = lab.get().droplet("droplet-1");
        LabDroplet other = lab.get().droplet("droplet-2");
        // droplet-1's entries now carry droplet-2's keys: what a man in the middle would present.
        List<String> lines = Files.readAllLines(lab.get().knownHosts());
        List<String> forged = lines.stream().map(line -> line.startsWith(hostPattern(target))
                ? hostPattern(target) + keyOf(lines, other, line.split(" ")[1])
                : line).toList();
        Path state = copyStateWithKnownHosts(forged);

        FleetProcess.Result result = drift(state, "json");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        JsonNode droplet = droplet(JSON.readTree(result.stdout()), "droplet-1");
        assertThat(droplet.get("status").asText()).isEqualTo("UNREACHABLE");
        assertThat(droplet.get("reason").asText()).contains("the host key of [127.0.0.1]:").contains(" changed: ").containsPattern("SHA256:[A-Za-z0-9+/]{43}");
        assertThat(statuses(JSON.readTree(result.stdout()))).containsEntry("droplet-2", "IN_SYNC");
    }

    @Test
    @Order(8)
    void anUnknownHostKeyIsRefusedNamingThePresentedFingerprint() throws IOException {
        LabDroplet target = lab.get().droplet("droplet-3");
        List<String> withoutTarget = Files.readAllLines(lab.get().knownHosts()).stream()
                .filter(line -> !line.startsWith(hostPattern(target))).toList();
        Path state = copyStateWithKnownHosts(withoutTarget);

        FleetProcess.Result result = drift(state, "json");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        JsonNode droplet = droplet(JSON.readTree(result.stdout()), "droplet-3");
        assertThat(droplet.get("status").asText()).isEqualTo("UNREACHABLE");
        assertThat(droplet.get("reason").asText()).contains("the host key of [127.0.0.1]:").contains(" is not in ").containsPattern("SHA256:[A-Za-z0-9+/]{43}");
    }

    @Test
    @Order(9)
    void anExtraContainerClaimingTheServiceIsReportedUnmanaged() throws IOException {
        broken = lab.get().droplet("droplet-1");
        assertThat(lab.get().dockerOn(broken, "run", "-d", "--name", "demo-canary", "--label", "fleet.service=demo",
                lab.get().env("LAB_IMAGE_V1")).succeeded()).isTrue();

        FleetProcess.Result result = drift(stateFile(), "json");

        assertThat(result.exitCode()).isEqualTo(2);
        JsonNode report = JSON.readTree(result.stdout());
        JsonNode droplet = droplet(report, "droplet-1");
        assertThat(droplet.get("status").asText()).isEqualTo("IN_SYNC");
        assertThat(droplet.get("unmanaged").get(0).get("name").asText()).isEqualTo("demo-canary");
        assertThat(report.get("summary").get("UNMANAGED").asInt()).isEqualTo(1);
    }

    @Test
    @Order(10)
    void tableMarkdownAndHtmlShowTheCommitAndEveryDroplet() throws IOException {
        String commit = JSON.readTree(drift(stateFile(), "json").stdout()).get("revision").get("commit").asText();
        for (String format : List.of("table", "markdown", "html")) {
            FleetProcess.Result result = drift(stateFile(), format);
            assertThat(result.exitCode()).as(format + ": " + result.stderr()).isZero();
            assertThat(result.stdout()).as(format).contains(commit.substring(0, 12))
                    .contains("droplet-1").contains("droplet-2").contains("droplet-3").contains("IN_SYNC")
                    .doesNotContain("\u001b[");
        }
    }

    @Test
    @Order(11)
    void secretsNeverAppearInAnyFormatNorInDebugLogsNorInErrors() throws IOException {
        String envSecret = "sentinel-env-" + UUID.randomUUID();
        String fileSecret = "sentinel-file-" + UUID.randomUUID();
        String registryPassword = "sentinel-registry-" + UUID.randomUUID();
        broken = lab.get().droplet("droplet-1");
        // The container really holds them, as an apply would have started it: a leak has something to leak.
        lab.get().runApp(broken, lab.get().env("LAB_IMAGE_V1"), Map.of("API_TOKEN", envSecret, "SESSION_KEY", fileSecret));
        assertThat(lab.get().dockerOn(broken, "inspect", lab.get().env("LAB_APP_CONTAINER")).output()).contains(envSecret);
        // droplet-3 is left out of known_hosts, so that a failure path is taken too.
        Path state = copyStateWithKnownHosts(Files.readAllLines(lab.get().knownHosts()).stream()
                .filter(line -> !line.startsWith(hostPattern(lab.get().droplet("droplet-3")))).toList());
        Files.writeString(state.resolveSibling("session-key"), fileSecret + "\n");
        Files.writeString(state, Files.readString(state).replace("  restart: always\n", """
                  restart: always
                  environment:
                    API_TOKEN: { secret-from-env: FLEET_SECRET_API_TOKEN }
                    SESSION_KEY: { secret-from-file: session-key }
                """) + """
                registry:
                  server: registry.lab:5000
                  username: deploy
                  password-from-env: FLEET_SECRET_REGISTRY_PASSWORD
                """);
        Map<String, String> secrets = Map.of("FLEET_SECRET_API_TOKEN", envSecret, "FLEET_SECRET_REGISTRY_PASSWORD", registryPassword);
        Map<String, String> debugging = new LinkedHashMap<>(secrets);
        debugging.put("QUARKUS_LOG_LEVEL", "DEBUG");
        // Even a user who asks for httpclient's wire log does not get the Docker API's bodies.
        debugging.put("QUARKUS_LOG_CATEGORY__ORG_APACHE_HC_CLIENT5_HTTP_WIRE__LEVEL", "DEBUG");

        List<FleetProcess.Result> results = new java.util.ArrayList<>();
        for (String format : List.of("table", "json", "markdown", "html")) {
            results.add(FleetProcess.run(secrets, "drift", "--state", state.toString(), "--output", format));
            results.add(FleetProcess.run(debugging, "drift", "--state", state.toString(), "--output", format));
        }
        // A state that fails after its secrets were resolved: the problem is reported, not the values.
        Path brokenState = state.resolveSibling("broken.yaml");
        Files.writeString(brokenState, Files.readString(state).replace("  username: deploy\n", "  username: deploy\n  pasword: x\n"));
        results.add(FleetProcess.run(debugging, "drift", "--state", brokenState.toString()));

        for (FleetProcess.Result result : results) {
            String output = result.stdout() + result.stderr();
            assertThat(output).as("fleet ran (exit %d): %s", result.exitCode(), result.stderr()).isNotBlank();
            assertThat(output).doesNotContain(envSecret).doesNotContain(fileSecret).doesNotContain(registryPassword);
        }
        JsonNode report = JSON.readTree(results.get(2).stdout());
        assertThat(statuses(report)).containsEntry("droplet-1", "IN_SYNC").containsEntry("droplet-3", "UNREACHABLE");
        assertThat(results.get(3).stderr()).as("the debug run logged").contains("DEBUG");
        assertThat(results.getLast().exitCode()).isEqualTo(1);
        assertThat(results.getLast().stderr()).contains("pasword");
    }

    private FleetProcess.Result drift(Path state, String format) {
        return FleetProcess.run("drift", "--state", state.toString(), "--output", format);
    }

    private static Path stateFile() {
        return Path.of(lab.get().env("LAB_STATE_FILE"));
    }

    private Path copyStateWithKnownHosts(List<String> knownHosts) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("state"));
        Files.copy(stateFile(), dir.resolve("fleet.yaml"));
        Files.write(dir.resolve("known_hosts"), knownHosts);
        return dir.resolve("fleet.yaml");
    }

    private static String hostPattern(LabDroplet droplet) {
        return "[127.0.0.1]:" + droplet.sshPort() + " ";
    }

    /** The key of {@code droplet} of the given type, as "type base64". */
    private static String keyOf(List<String> knownHosts, LabDroplet droplet, String type) {
        return knownHosts.stream().filter(l -> l.startsWith(hostPattern(droplet)) && l.split(" ")[1].equals(type))
                .map(l -> l.substring(hostPattern(droplet).length())).findFirst().orElseThrow();
    }

    private static JsonNode droplet(JsonNode report, String name) {
        for (JsonNode droplet : report.get("droplets")) {
            if (droplet.get("name").asText().equals(name)) {
                return droplet;
            }
        }
        throw new AssertionError("no droplet " + name + " in " + report);
    }

    private static Map<String, String> statuses(JsonNode report) {
        var statuses = new LinkedHashMap<String, String>();
        report.get("droplets").forEach(d -> statuses.put(d.get("name").asText(), d.get("status").asText()));
        return statuses;
    }

    private static String digestOf(String reference) {
        return reference.substring(reference.indexOf('@') + 1);
    }

    private static int get(URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
