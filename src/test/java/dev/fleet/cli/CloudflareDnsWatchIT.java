package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fleet.desired.load.StateFixture;
import dev.fleet.infra.dns.FakeCloudflare;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet dns-watch} with {@code provider: cloudflare}, as users run it (a separate process:
 * the JVM build, or the native executable under {@code -Pnative}), against {@link FakeCloudflare},
 * a loopback server that follows Cloudflare's API documentation, which fleet is pointed at with
 * {@code FLEET_CLOUDFLARE_API}. No lab: the three "droplets" are health endpoints the test serves
 * on 127.0.0.1, 127.0.0.2 and 127.0.0.3, one port, each answering 200 or 503 as the test says.
 * The tests run in order, with one dns-watch throughout; so the native build's JSON, HTTP client
 * and Cloudflare provider are run, not only the JVM's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CloudflareDnsWatchIT {

    private static final String TOKEN = "cf-cli-token-Jd93kQ0vX7";
    private static final String NAME = "www.fleet.test";
    private static final String UNMANAGED = "192.0.2.50";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static FakeCloudflare cloudflare;
    private static final List<HttpServer> droplets = new ArrayList<>();
    private static final List<AtomicBoolean> healthy = new ArrayList<>();
    private static HttpServer webhook;
    private static final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private static Path state;
    private static FleetProcess.Running watch;

    @BeforeAll
    static void start() throws IOException {
        cloudflare = new FakeCloudflare(TOKEN);
        // Already there: droplet-3's record (the baseline counts it as up), an address of no droplet
        // and a TXT record, both of which fleet must leave alone.
        cloudflare.put("A", NAME, ip(3), 60);
        cloudflare.put("A", NAME, UNMANAGED, 300);
        cloudflare.put("TXT", NAME, "\"v=spf1 -all\"", 60);
        int port = startDroplets();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            events.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        state = writeState(port);
        watch = FleetProcess.start(environment(cloudflare.api().toString()), "dns-watch", "--verbose", "--state",
                state.toString(), "--webhook", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
                "--record", dir.resolve("dns-changes.log").toString());
    }

    @AfterAll
    static void stop() {
        if (watch != null) {
            watch.close();
        }
        droplets.forEach(server -> server.stop(0));
        if (webhook != null) {
            webhook.stop(0);
        }
        if (cloudflare != null) {
            cloudflare.close();
        }
    }

    @Test
    @Order(1)
    void healthyDropletsMissingFromTheNameAreCreatedAtCloudflareAndNothingElseIsTouched() throws IOException {
        awaitRecords(List.of(ip(1), ip(2), ip(3), UNMANAGED), "the healthy droplets published");
        await(() -> watch.stdout().contains("dns_added fleet: added " + NAME + ". 60 A " + ip(1))
                && watch.stdout().contains("dns_added fleet: added " + NAME + ". 60 A " + ip(2)), "the additions told");

        assertThat(watch.stdout()).startsWith("fleet dns-watch: " + NAME + " at cloudflare (" + cloudflare.api() + ")")
                .doesNotContain("added " + NAME + ". 60 A " + ip(3));
        assertThat(cloudflare.contents("TXT")).hasSize(1);
        assertThat(cloudflare.requests("POST")).hasSize(2).allSatisfy(post -> {
            JsonNode body = JSON.readTree(post.body());
            assertThat(body.path("type").asText()).isEqualTo("A");
            assertThat(body.path("name").asText()).isEqualTo(NAME);
            assertThat(body.path("ttl").asInt()).isEqualTo(60);
            assertThat(body.path("proxied").isBoolean() && !body.path("proxied").asBoolean()).isTrue();
        });
        assertThat(cloudflare.requests()).allSatisfy(request -> {
            assertThat(request.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(request.path()).startsWith("/client/v4/zones/" + FakeCloudflare.ZONE + "/dns_records");
        });
        assertThat(watch.stderr()).isEmpty();
    }

    @Test
    @Order(2)
    void aDropletWhoseHealthFailsHasItsRecordDeleted() {
        healthy.get(1).set(false);

        awaitRecords(List.of(ip(1), ip(3), UNMANAGED), "droplet-2 taken out");
        await(() -> watch.stdout().contains("dns_removed fleet: removed " + NAME + ". 60 A " + ip(2))
                && events.stream().anyMatch(e -> e.contains("\"event\":\"dns_removed\"") && e.contains(ip(2))),
                "the removal told");

        assertThat(watch.stdout()).contains("droplet-2 failed (http://" + ip(2) + ":");
        assertThat(cloudflare.requests("DELETE")).singleElement().satisfies(delete -> assertThat(delete.path())
                .matches("/client/v4/zones/" + FakeCloudflare.ZONE + "/dns_records/[0-9a-f]{32}"));
    }

    @Test
    @Order(3)
    void theDropletHealthyAgainIsCreatedAgainAndTheTokenIsNeverSaid() {
        healthy.get(1).set(true);

        awaitRecords(List.of(ip(1), ip(2), ip(3), UNMANAGED), "droplet-2 back");
        await(() -> occurrences(watch.stdout(), "dns_added fleet: added " + NAME + ". 60 A " + ip(2)) == 2
                && read(dir.resolve("dns-changes.log")).contains("dns_removed"), "the addition told");

        int exit = watch.stop();
        assertThat(exit).as("SIGTERM ends it cleanly (143 is how the JVM reports a stop by signal)").isIn(0, 143);
        String record = read(dir.resolve("dns-changes.log"));
        assertThat(record).contains("dns_added fleet: added " + NAME + ". 60 A " + ip(2))
                .contains("dns_removed fleet: removed " + NAME + ". 60 A " + ip(2));
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"event\":\"dns_added\"")
                .contains("\"name\":\"" + NAME + ".\""));
        assertThat(watch.stdout() + watch.stderr() + record + String.join("\n", events)).doesNotContain(TOKEN);
        assertThat(watch.stderr()).isEmpty();
        assertThat(cloudflare.contents("TXT")).hasSize(1);
    }

    @Test
    @Order(4)
    void anotherApiOverPlainHttpToAnotherMachineIsRefusedBeforeAnythingIsCalled() {
        int before = cloudflare.requests().size();

        FleetProcess.Result result = FleetProcess.run(environment("http://192.0.2.1/client/v4"), "dns-watch",
                "--rounds", "1", "--state", state.toString(), "--record", dir.resolve("refused.log").toString());

        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(1);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("dns.provider: FLEET_CLOUDFLARE_API in fleet's environment"
                + " (\"http://192.0.2.1/client/v4\") is plain http to another machine").doesNotContain(TOKEN);
        assertThat(cloudflare.requests()).hasSize(before);
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, String> environment(String api) {
        return Map.of("FLEET_SECRET_CLOUDFLARE_API_TOKEN", TOKEN, "FLEET_CLOUDFLARE_API", api);
    }

    private static String ip(int droplet) {
        return "127.0.0." + droplet;
    }

    /**
     * Three health endpoints, {@code GET /health} at 127.0.0.1-3 on one port (the dns section has
     * one check port), each 200 while its flag says healthy, else 503; the port.
     */
    private static int startDroplets() throws IOException {
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(ip(1)))) {
                port = probe.getLocalPort();
            }
            try {
                for (int i = 1; i <= 3; i++) {
                    AtomicBoolean up = new AtomicBoolean(true);
                    HttpServer server = HttpServer.create(new InetSocketAddress(ip(i), port), 0);
                    server.createContext("/health", exchange -> {
                        exchange.getRequestBody().readAllBytes();
                        exchange.sendResponseHeaders(up.get() ? 200 : 503, -1);
                        exchange.close();
                    });
                    server.start();
                    droplets.add(server);
                    healthy.add(up);
                }
                return port;
            } catch (BindException e) {
                // Taken on another loopback address meanwhile: try another port.
                droplets.forEach(server -> server.stop(0));
                droplets.clear();
                healthy.clear();
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static Path writeState(int port) throws IOException {
        StateFixture.ownerOnly(Files.writeString(dir.resolve("id_ed25519"), "stub, not a key: dns-watch never logs in\n"));
        Files.writeString(dir.resolve("known_hosts"), "");
        StringBuilder text = new StringBuilder("""
                service:
                  name: demo
                  image: registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
                  ports: ["80:80"]
                droplets:
                """);
        for (int i = 1; i <= 3; i++) {
            text.append("  - name: droplet-").append(i).append("\n    host: 192.0.2.").append(i)
                    .append("\n    addresses: [").append(ip(i)).append("]\n");
        }
        text.append("""
                ssh:
                  user: deploy
                  identity-file: id_ed25519
                  known-hosts: known_hosts
                balancer:
                  kind: haproxy
                  socket: haproxy.sock
                  backend: droplets
                dns:
                  provider: cloudflare
                  name: %s
                  zone-id: %s
                  api-token-from-env: FLEET_SECRET_CLOUDFLARE_API_TOKEN
                  ttl: 60s
                  interval: 1s
                  check-port: %d
                """.formatted(NAME, FakeCloudflare.ZONE, port));
        return Files.writeString(dir.resolve("fleet.yaml"), text);
    }

    private static void awaitRecords(List<String> expected, String what) {
        await(() -> cloudflare.contents("A").stream().sorted().toList().equals(expected.stream().sorted().toList()),
                what + " (the fake holds " + cloudflare.contents("A") + ")");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 30s in vain for " + what + "; dns-watch said:\n" + watch.stdout()
                        + watch.stderr());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
