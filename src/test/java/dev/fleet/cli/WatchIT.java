package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet watch --apply} against a real lab, its state in a git repository served by git's own
 * daemon on loopback, which fleet fetches into a clone of its own: a commit converges the fleet under load with no failed request, the
 * status is served as a page, JSON and metrics, a webhook receiver is told each event in order,
 * and a remote that cannot be reached leaves the last state in force, marked stale. The tests run
 * in order against one watch.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final int RATE = 150;

    @TempDir
    static Path temp;

    private static HttpServer receiver;
    private static final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
    private static FleetProcess.Running watch;
    /** fleet's own credential, in its environment: never the state's to read. */
    private static final String OWN_TOKEN = "fleet-own-git-token-5Kc";
    /** The state repository's remote: git's own daemon on loopback, as a network remote fleet fetches from. */
    private static Process gitDaemon;
    private static int gitPort;
    private static URI status;

    @BeforeAll
    static void startWatching() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                events.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        status = URI.create("http://127.0.0.1:" + port);
        Path repo = lab().stateFile().getParent();
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            gitPort = free.getLocalPort();
        }
        startGitDaemon();
        String remote = "git://127.0.0.1:" + gitPort + "/" + repo.getFileName();
        watch = FleetProcess.start(Map.of("FLEET_GIT_TOKEN", OWN_TOKEN), "watch", "--repo", remote, "--branch", branch(repo),
                "--path", "fleet.yaml", "--apply", "--interval", INTERVAL.toMillis() + "ms",
                "--listen", "127.0.0.1:" + port, "--webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "--workdir", temp.resolve("clones").toString());
        awaitStatus("the first round, the fleet in sync", Duration.ofSeconds(60),
                json -> json.path("drift").path("summary").path("IN_SYNC").asInt() == 3);
    }

    @AfterAll
    static void stopWatching() throws InterruptedException {
        if (watch != null) {
            watch.close();
        }
        stopGitDaemon();
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    @Order(1)
    void aCommittedDigestConvergesTheFleetWithinAnIntervalAndTheRolloutUnderLoad() {
        String v2 = lab().env("LAB_IMAGE_V2");
        String v2Digest = v2.substring(v2.indexOf('@') + 1);
        events.clear();

        LoadRun.Summary load;
        long started = System.nanoTime();
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), v2), "deploy v2");
            awaitStatus("every droplet on v2", Duration.ofSeconds(120), json -> allRun(json, v2Digest));
            load = run.stop();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        load.assertZeroDowntime("while watch rolled", watch.stdout());
        // One interval to notice the commit, then the rollout (3 droplets, about 2.5 s each here).
        assertThat(took).as(watch.stdout()).isLessThan(INTERVAL.plus(Duration.ofSeconds(40)));
        JsonNode json = statusJson();
        assertThat(json.path("lastRollout").path("result").asText()).isEqualTo("succeeded");
        assertThat(json.path("stale").asBoolean()).isFalse();
    }

    @Test
    @Order(2)
    void theWebhookReceiverIsToldOfTheRolloutsEventsInOrder() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (names().stream().noneMatch("rollout_finished"::equals) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        assertThat(names()).as(watch.stdout()).containsSubsequence("drift_detected", "rollout_started", "rollout_finished")
                .doesNotContain("rollout_failed", "rolled_back");
        JsonNode started = events.stream().filter(e -> e.path("event").asText().equals("rollout_started")).findFirst()
                .orElseThrow();
        assertThat(started.path("droplets")).hasSize(3);
        assertThat(started.path("text").asText()).startsWith("fleet: rolling out demo at ");
    }

    @Test
    @Order(3)
    void theStatusIsServedAsAPageAsJsonAndAsMetrics() throws Exception {
        HttpResponse<String> page = get("/");
        HttpResponse<String> metrics = get("/metrics");
        HttpResponse<String> health = get("/healthz");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        for (String droplet : List.of("droplet-1", "droplet-2", "droplet-3")) {
            assertThat(page.body()).contains("data-droplet=\"" + droplet + "\" data-status=\"IN_SYNC\"");
        }
        assertThat(page.body()).contains("http-equiv=\"refresh\"").contains("Last rollout").contains("succeeded");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("fleet_droplets{status=\"IN_SYNC\"} 3")
                .contains("fleet_rollouts_total{result=\"succeeded\"} 1")
                .containsPattern("fleet_reconcile_duration_seconds [0-9.]+")
                .containsPattern("fleet_last_success_timestamp_seconds [0-9]{10}\\.[0-9]{3}")
                .containsPattern("fleet_build_info\\{version=\"[^\"]+\"} 1")
                .contains("fleet_droplet_status{droplet=\"droplet-1\",status=\"IN_SYNC\"} 1")
                .contains("fleet_droplet_balancer{droplet=\"droplet-3\",state=\"UP\"} 1")
                .contains("fleet_rollout_duration_seconds_count 1");
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void theDriftPageRenderedInHeadlessChromiumShowsEachDropletsStatus() throws Exception {
        Path screenshot = Path.of("target", "watch-page.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);

        String dom = chromium("--dump-dom", status.resolve("/").toString());
        chromium("--screenshot=" + screenshot, "--window-size=1280,1600", status.resolve("/").toString());

        for (String droplet : List.of("droplet-1", "droplet-2", "droplet-3")) {
            assertThat(dom).contains("data-droplet=\"" + droplet + "\" data-status=\"IN_SYNC\"");
        }
        assertThat(dom).contains("fleet watch: demo is in sync");
        // The watch's own rollout, read back from the fleet's history after the round that applied.
        assertThat(dom).contains("<table id=\"applies\">").contains("data-result=\"converged\"")
                .containsPattern("<svg[^>]* id=\"sync-plot\" data-points=\"[1-9]");
        assertThat(screenshot).exists();
        byte[] png = Files.readAllBytes(screenshot);
        assertThat(png.length).as("a real picture, not an empty file").isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    @Order(5)
    void aRemoteThatCannotBeReachedLeavesTheLastStateInForceMarkedStaleUntilItIsBack() throws Exception {
        // The remote's daemon goes away: connections to it are refused, as when its host is down.
        stopGitDaemon();
        try {
            awaitStatus("the source marked stale", Duration.ofSeconds(30), json -> json.path("stale").asBoolean());
            JsonNode stale = statusJson();
            assertThat(stale.path("sourceProblem").asText()).contains("fetching");
            assertThat(stale.path("drift").path("summary").path("IN_SYNC").asInt()).isEqualTo(3);
            assertThat(get("/").body()).contains("id=\"stale\"");
            assertThat(get("/metrics").body()).contains("fleet_source_stale 1");
        } finally {
            startGitDaemon();
        }
        // The backoff after a few failed rounds is at most a few intervals.
        awaitStatus("the source fresh again", Duration.ofSeconds(40), json -> !json.path("stale").asBoolean());
        assertThat(get("/metrics").body()).contains("fleet_source_stale 0");
    }

    @Test
    @Order(6)
    void whileNoDropletCanBeObservedTheLastSuccessStandsStillAndFailedRoundsGrow() throws Exception {
        awaitStatus("a round that observed every droplet", Duration.ofSeconds(30),
                json -> json.path("failedRoundsInARow").asInt() == 0 && !json.path("lastSuccess").isNull());
        List<LabDroplet> droplets = lab().droplets();
        droplets.forEach(lab()::stopDroplet);
        try {
            awaitStatus("rounds that could not observe the droplets", Duration.ofSeconds(60),
                    json -> json.path("failedRoundsInARow").asInt() >= 2
                            && json.path("drift").path("summary").path("UNREACHABLE").asInt() == 3);
            Instant success = Instant.parse(statusJson().path("lastSuccess").asText());
            String metrics = get("/metrics").body();
            assertThat(metrics).containsPattern("(?m)^fleet_failed_rounds_in_a_row [2-9]")
                    .contains("fleet_droplets{status=\"UNREACHABLE\"} 3");
            awaitStatus("another failed round", Duration.ofSeconds(30),
                    json -> json.path("failedRoundsInARow").asInt() >= 3);
            assertThat(Instant.parse(statusJson().path("lastSuccess").asText())).isEqualTo(success);
        } finally {
            droplets.forEach(lab()::startDroplet);
        }
        awaitStatus("every droplet observed again", Duration.ofSeconds(60),
                json -> json.path("failedRoundsInARow").asInt() == 0
                        && json.path("drift").path("summary").path("IN_SYNC").asInt() == 3);
    }

    @Test
    @Order(7)
    void anInvalidStateIsNeverAppliedAndTheLastValidOneStaysInForce() throws Exception {
        lab().commitState(state -> state.replace("  successes: 3\n", "  successes: many\n"), "a broken state");
        try {
            awaitStatus("the invalid state reported", Duration.ofSeconds(30), json -> !json.path("stateProblem").isNull());
            JsonNode json = statusJson();
            assertThat(json.path("stateProblem").asText()).contains("fleet.yaml:").contains("successes");
            assertThat(json.path("drift").path("summary").path("IN_SYNC").asInt()).isEqualTo(3);
            assertThat(get("/").body()).contains("id=\"invalid\"");
        } finally {
            lab().commitState(state -> state.replace("  successes: many\n", "  successes: 3\n"), "fixed");
        }
        awaitStatus("the state valid again", Duration.ofSeconds(30), json -> json.path("stateProblem").isNull());
    }

    @Test
    @Order(8)
    void aPushedStateThatReachesForTheMachinesSecretsIsRefusedBeforeAnyConnectionAndTheLastValidStaysInForce()
            throws Exception {
        Path repo = lab().stateFile().getParent();
        Path operatorOnly = Files.writeString(temp.resolve("operator-only-key"), "operator-only-7Yd\n");
        Files.createSymbolicLink(repo.resolve("innocent"), operatorOnly);
        Process add = new ProcessBuilder("git", "-C", repo.toString(), "add", "innocent").inheritIO().start();
        assertThat(add.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && add.exitValue() == 0).isTrue();
        try (ServerSocket collector = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String dns = "dns:\n  provider: powerdns\n  name: www.example.test\n  zone: example.test\n"
                    + "  api: http://127.0.0.1:" + collector.getLocalPort() + "\n  api-token-from-env: %s\n";
            Map<String, UnaryOperator<String>> attempts = new LinkedHashMap<>();
            attempts.put("FLEET_GIT_TOKEN is not a variable a state may read", state -> environment(state,
                    "{ secret-from-env: FLEET_GIT_TOKEN }"));
            attempts.put("innocent leads outside the secrets folder through a symbolic link", state -> environment(state,
                    "{ secret-from-file: innocent }"));
            attempts.put("operator-only-key is outside the secrets folder", state -> environment(state,
                    "{ secret-from-file: \"" + operatorOnly + "\" }"));
            attempts.put("dns.api: is not the state's to say", state -> state + dns.formatted("FLEET_SECRET_NONE"));
            attempts.put("dns.api-token-from-env: FLEET_GIT_TOKEN is not a variable",
                    state -> state + dns.formatted("FLEET_GIT_TOKEN"));
            String valid = Files.readString(lab().stateFile());
            for (var attempt : attempts.entrySet()) {
                lab().commitState(attempt.getValue(), "try: " + attempt.getKey());
                awaitStatus("refused: " + attempt.getKey(), Duration.ofSeconds(30),
                        json -> json.path("stateProblem").asText().contains(attempt.getKey()));
                assertThat(statusJson().path("drift").path("summary").path("IN_SYNC").asInt()).isEqualTo(3);
                lab().commitState(state -> valid, "back to the valid state");
                // Each valid round resets the watch's back-off after failed rounds.
                awaitStatus("the state valid again", Duration.ofSeconds(30), json -> json.path("stateProblem").isNull());
            }
            collector.setSoTimeout(1);
            assertThatThrownBy(collector::accept).as("a connection to the state's DNS API")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(watch.stdout() + watch.stderr() + get("/").body() + get("/drift.json").body())
                    .doesNotContain(OWN_TOKEN, "operator-only-7Yd");
        }
    }

    /** {@code state} whose service has one more variable, TOKEN, of {@code value}. */
    private static String environment(String state, String value) {
        return state.replace("  restart: always\n", "  restart: always\n  environment:\n    TOKEN: " + value + "\n");
    }

    @Test
    @Order(9)
    void aRolloutThatFailedIsRolledBackOnceAndNotTriedAgainUntilTheStateChanges() throws Exception {
        String v2 = lab().env("LAB_IMAGE_V2");
        events.clear();
        lab().commitState(state -> state.replace(v2, lab().env("LAB_IMAGE_BAD")), "deploy the bad image");

        awaitStatus("the bad rollout rolled back", Duration.ofSeconds(120),
                json -> json.path("lastRollout").path("result").asText().equals("rolled_back"));
        // Several more rounds: none tries the same state again.
        Thread.sleep(INTERVAL.multipliedBy(4).toMillis());

        assertThat(names()).as(watch.stdout()).containsSubsequence("rollout_started", "rolled_back", "rollout_failed");
        assertThat(names().stream().filter("rollout_started"::equals).count()).as(watch.stdout()).isEqualTo(1);
        assertThat(watch.stdout()).contains("not rolling out").contains("its last rollout failed");
        assertThat(get("/metrics").body()).contains("fleet_rollouts_total{result=\"rolled_back\"} 1");
        JsonNode json = statusJson();
        assertThat(json.path("drift").path("summary").path("IMAGE_DRIFT").asInt()).as("still on v2, wanting bad")
                .isEqualTo(3);

        // A new commit is worth a new try: back to v2, which every droplet runs already.
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_BAD"), v2), "back to v2");
        awaitStatus("the fleet in sync on v2 again", Duration.ofSeconds(30),
                j -> j.path("drift").path("summary").path("IN_SYNC").asInt() == 3);
    }

    @Test
    @Order(10)
    void sigtermStopsTheWatchCleanly() {
        int exit = watch.stop();

        // 143 is 128 + SIGTERM: how a JVM stopped by the signal exits, after its shutdown ran.
        assertThat(exit).as(watch.stdout() + watch.stderr()).isIn(0, 143);
        assertThat(watch.stdout()).contains("fleet watch: stopped");
    }

    // ---------------------------------------------------------------- helpers

    private static Lab lab() {
        return lab.get();
    }

    /** Serves the lab's state repository over git:// on loopback, and waits until it listens. */
    private static void startGitDaemon() throws IOException, InterruptedException {
        Path repo = lab().stateFile().getParent();
        gitDaemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
                "--port=" + gitPort, "--base-path=" + repo.getParent())
                .redirectErrorStream(true).redirectOutput(temp.resolve("git-daemon.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", gitPort)) {
                return;
            } catch (IOException notYet) {
                assertThat(gitDaemon.isAlive()).as("git daemon: %s", Files.readString(temp.resolve("git-daemon.log")))
                        .isTrue();
                assertThat(System.nanoTime()).as("git daemon listening within 10 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    /** Cuts the remote off: nothing listens on its port any more. */
    private static void stopGitDaemon() throws InterruptedException {
        if (gitDaemon != null && gitDaemon.isAlive()) {
            gitDaemon.destroy();
            if (!gitDaemon.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                gitDaemon.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private static String branch(Path repo) throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "-C", repo.toString(), "rev-parse", "--abbrev-ref", "HEAD")
                .redirectErrorStream(true).start();
        String name = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor()).as(name).isZero();
        return name;
    }

    private static String chromium(String... args) throws IOException, InterruptedException {
        return HeadlessChromium.run(temp, args);
    }

    private static boolean allRun(JsonNode json, String digest) {
        JsonNode droplets = json.path("drift").path("droplets");
        if (droplets.size() != 3) {
            return false;
        }
        for (JsonNode droplet : droplets) {
            if (!droplet.path("status").asText().equals("IN_SYNC")
                    || !droplet.path("runningDigest").asText().equals(digest)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> names() {
        synchronized (events) {
            return events.stream().map(e -> e.path("event").asText()).toList();
        }
    }

    private static JsonNode statusJson() {
        try {
            HttpResponse<String> response = get("/drift.json");
            assertThat(response.statusCode()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitStatus(String what, Duration timeout, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            assertThat(watch.isAlive()).as("fleet watch ended: %s%n%s", watch.stdout(), watch.stderr()).isTrue();
            try {
                HttpResponse<String> response = get("/drift.json");
                last = response.body();
                if (response.statusCode() == 200 && condition.test(JSON.readTree(response.body()))) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("waited " + timeout.toSeconds() + "s for " + what + "; last status: " + last
                + "\nfleet watch said:\n" + watch.stdout() + watch.stderr());
    }

    private static HttpResponse<String> get(String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(status.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
