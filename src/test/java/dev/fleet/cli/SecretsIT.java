package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sentinel secrets (an environment secret, a file secret, a droplet's own secret, a registry password) through every path
 * of fleet that changes or reports a fleet: apply succeeding, failing and rolling back, killed in
 * the middle, refused; each with and without {@code --debug}; then the audit record (fleet history
 * and its file on the droplet), the droplets' rollout journals; then the token rotated, which is
 * CONFIG_DRIFT in every report format and the plan, and fleet watch's page, JSON, metrics and webhook
 * while it applies the rotation. The containers really hold the secrets, so a leak has something to leak;
 * none may appear anywhere else.
 */
class SecretsIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String envSecret = "sentinel-env-" + UUID.randomUUID();
    private final String fileSecret = "sentinel-file-" + UUID.randomUUID();
    private final String registryPassword = "sentinel-registry-" + UUID.randomUUID();
    private final String rotatedSecret = "sentinel-rotated-" + UUID.randomUUID();
    private final String dropletSecret = "sentinel-droplet-" + UUID.randomUUID();

    @Test
    void noSentinelSecretAppearsInAnyOutputLogRecordPageOrMessage() throws Exception {
        Files.writeString(lab().stateFile().resolveSibling("session-key"), fileSecret + "\n");
        lab().commitState(state -> state.replace("  restart: always\n", """
                  restart: always
                  environment:
                    API_TOKEN: { secret-from-env: FLEET_SECRET_API_TOKEN }
                    SESSION_KEY: { secret-from-file: session-key }
                """).replaceFirst("(  - name: droplet-1\n    host: 127\\.0\\.0\\.1\n    port: \\d+\n)",
                "$1    environment:\n      SHARD_KEY: { secret-from-env: FLEET_SECRET_SHARD_KEY }\n") + """
                registry:
                  server: registry.lab:5000
                  username: deploy
                  password-from-env: FLEET_SECRET_REGISTRY_PASSWORD
                """, "secrets");
        Map<String, String> secrets = Map.of("FLEET_SECRET_API_TOKEN", envSecret, "FLEET_SECRET_REGISTRY_PASSWORD", registryPassword,
                "FLEET_SECRET_SHARD_KEY", dropletSecret);
        Map<String, String> seen = new LinkedHashMap<>();

        deploy("LAB_IMAGE_V1", "LAB_IMAGE_V2");
        record(seen, "apply, success", FleetProcess.run(secrets, "apply", "--yes", "--state", state()));
        deploy("LAB_IMAGE_V2", "LAB_IMAGE_V1");
        record(seen, "apply --debug, success", FleetProcess.run(secrets, "apply", "--yes", "--debug", "--state", state()));
        assertThat(seen.get("apply --debug, success")).as("the debug run logged").contains("DEBUG");
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(lab().dockerOn(droplet, "inspect", "demo").output()).as("the secrets reached the container")
                    .contains(envSecret).contains(fileSecret);
        }
        assertThat(lab().dockerOn(lab().droplets().getFirst(), "inspect", "demo").output())
                .as("the droplet's own secret reached its container").contains(dropletSecret);

        deploy("LAB_IMAGE_V1", "LAB_IMAGE_BAD");
        record(seen, "apply --debug, rolled back", FleetProcess.run(secrets, "apply", "--yes", "--debug", "--state",
                state()));
        deploy("LAB_IMAGE_BAD", "LAB_IMAGE_V2");
        try (FleetProcess.Running killed = FleetProcess.start(secrets, "apply", "--yes", "--debug", "--state", state())) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!killed.stdout().contains("start demo on") && killed.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            killed.kill();
            seen.put("apply --debug, killed mid-rollout", killed.stdout() + killed.stderr());
        }
        record(seen, "apply, after the kill", FleetProcess.run(secrets, "apply", "--yes", "--state", state()));
        record(seen, "plan --debug", FleetProcess.run(secrets, "plan", "--debug", "--state", state()));
        for (String format : List.of("table", "json", "markdown", "html")) {
            record(seen, "drift " + format, FleetProcess.run(secrets, "drift", "--debug", "--output", format,
                    "--state", state()));
        }
        Path broken = lab().stateFile().resolveSibling("broken.yaml");
        Files.writeString(broken, Files.readString(lab().stateFile()).replace("  username: deploy\n",
                "  username: deploy\n  pasword: x\n"));
        record(seen, "apply --debug, refused state", FleetProcess.run(secrets, "apply", "--yes", "--debug", "--state",
                broken.toString()));
        record(seen, "history", FleetProcess.run(secrets, "history", "--state", state()));

        // The token rotated in fleet's environment: CONFIG_DRIFT, whose reasons name the variable only.
        Map<String, String> rotated = Map.of("FLEET_SECRET_API_TOKEN", rotatedSecret, "FLEET_SECRET_REGISTRY_PASSWORD",
                registryPassword, "FLEET_SECRET_SHARD_KEY", dropletSecret);
        for (String format : List.of("table", "json", "markdown", "html")) {
            record(seen, "drift " + format + ", token rotated", FleetProcess.run(rotated, "drift", "--debug", "--output",
                    format, "--state", state()));
        }
        assertThat(seen.get("drift table, token rotated")).contains("CONFIG_DRIFT")
                .contains("environment.API_TOKEN changed");
        record(seen, "plan, token rotated", FleetProcess.run(rotated, "plan", "--debug", "--state", state()));
        watch(rotated, seen);
        record(seen, "history, after the rotation", FleetProcess.run(rotated, "history", "--steps", "--state", state()));
        for (LabDroplet droplet : lab().droplets()) {
            for (String file : List.of("history.jsonl", "journal", "intent", "lease")) {
                seen.put(droplet.name() + " ~/.fleet/demo/" + file,
                        lab().ssh(droplet.name(), "cat", ".fleet/demo/" + file, "2>/dev/null").output());
            }
            assertThat(lab().dockerOn(droplet, "inspect", "demo").output()).as("the rotated token reached the container")
                    .contains(rotatedSecret);
        }

        assertThat(seen).hasSizeGreaterThan(15);
        seen.forEach((where, text) -> assertThat(text).as(where).doesNotContain(envSecret)
                .doesNotContain(fileSecret).doesNotContain(registryPassword).doesNotContain(rotatedSecret)
                .doesNotContain(dropletSecret));
    }

    /** fleet watch applying the rotated token: its page, JSON, metrics, and what its webhook was sent. */
    private void watch(Map<String, String> secrets, Map<String, String> seen) throws Exception {
        List<String> hooks = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (FleetProcess.Running watch = FleetProcess.start(secrets, "watch", "--debug", "--apply", "--state", state(),
                "--interval", "2s", "--listen", "127.0.0.1:" + port, "--webhook",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")) {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (hooks.stream().noneMatch(h -> h.contains("rollout_finished")) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            for (String path : List.of("/", "/drift.json", "/metrics", "/healthz")) {
                seen.put("watch " + path, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
            }
            watch.stop();
            seen.put("watch output", watch.stdout() + watch.stderr());
        } finally {
            receiver.stop(0);
        }
        assertThat(hooks).as("the webhook was told the rollout").anyMatch(h -> h.contains("rollout_finished"));
        seen.put("webhook payloads", String.join("\n", hooks));
    }

    private static void record(Map<String, String> seen, String what, FleetProcess.Result result) {
        seen.put(what, result.stdout() + result.stderr());
    }

    private static void deploy(String from, String to) {
        lab().commitState(state -> state.replace(lab().env(from), lab().env(to)), "deploy " + to);
    }

    private static String state() {
        return lab().stateFile().toString();
    }

    private static Lab lab() {
        return lab.get();
    }
}
