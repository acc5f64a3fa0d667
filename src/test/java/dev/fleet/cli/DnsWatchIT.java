package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.PowerDnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS health failover on the lab, for real: a PowerDNS server (Debian's pdns-server, sqlite
 * backend) holds www.lab.test, {@code fleet dns-watch} checks the lab's droplets at their addresses
 * on the lab network every second, and {@code dig} asks PowerDNS what it serves. A webhook receiver
 * on loopback collects the events. The tests run in order, with one dns-watch throughout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DnsWatchIT {

    private static final String ZONE = "lab.test.";
    private static final String NAME = "www.lab.test";
    private static final Pattern ROUND = Pattern.compile("round (\\d+) at \\S+: (.*)");

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    @TempDir
    static Path dir;

    private static PowerDnsServer pdns;
    private static HttpServer webhook;
    private static final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private static Path state;
    private static FleetProcess.Running watch;

    @BeforeAll
    static void start() throws IOException {
        pdns = PowerDnsServer.start(dir.resolve("pdns"));
        pdns.createZone(ZONE);
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            events.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        state = writeState(lab.get().stateFile().getParent().resolve("dns-fleet.yaml"), "haproxy");
        watch = FleetProcess.start(dnsEnvironment(), "dns-watch", "--verbose", "--state",
                state.toString(), "--webhook", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
                "--record", dir.resolve("dns-changes.log").toString());
    }

    @AfterAll
    static void stop() {
        if (watch != null) {
            watch.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
        if (pdns != null) {
            pdns.close();
        }
    }

    @Test
    @Order(1)
    void healthyDropletsMissingFromDnsAreAddedWithinThreeChecks() {
        awaitDig(addresses(1, 2, 3), "every healthy droplet published");
        // The round says what it changed once the changes are made: wait for its lines and events too.
        await(() -> occurrences(watch.stdout(), "dns_added") >= 3
                && events.stream().filter(e -> e.contains("\"event\":\"dns_added\"")).count() >= 3, "the additions told");

        assertThat(roundsUntil("dns_added", 3)).as(watch.stdout()).isLessThanOrEqualTo(3);
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"event\":\"dns_added\"")
                .contains("\"name\":\"www.lab.test.\""));
        assertThat(watch.stderr()).isEmpty();
    }

    @Test
    @Order(2)
    void stoppingADropletsAppRemovesItsRecordWithinThreeChecks() {
        int before = lastRound();
        lab().dockerOn(droplet(2), "stop", "-t", "1", "demo");

        awaitDig(addresses(1, 3), "droplet-2 taken out");
        await(() -> watch.stdout().contains("dns_removed fleet: removed www.lab.test. 60 A " + ip(2))
                && events.stream().anyMatch(e -> e.contains("\"event\":\"dns_removed\"") && e.contains(ip(2))),
                "the removal told");

        int firstFailing = firstRoundAfter(before, line -> line.contains("droplet-2 failed"));
        int removed = roundOf(watch.stdout().indexOf("dns_removed fleet: removed www.lab.test. 60 A " + ip(2)));
        assertThat(removed - firstFailing + 1).as("checks from the first failing one to the removal:%n%s",
                watch.stdout()).isBetween(1, 3);
        assertThat(events).anySatisfy(e -> assertThat(e).contains("\"event\":\"dns_removed\"").contains(ip(2)));
    }

    @Test
    @Order(3)
    void restoringTheAppAddsTheRecordBackWithinThreeChecks() {
        int before = lastRound();
        lab().dockerOn(droplet(2), "start", "demo");

        awaitDig(addresses(1, 2, 3), "droplet-2 back");
        await(() -> occurrences(watch.stdout(), "dns_added fleet: added www.lab.test. 60 A " + ip(2)) >= 2
                && read(dir.resolve("dns-changes.log")).contains("dns_removed"), "the addition told");

        int firstPassing = firstRoundAfter(before, line -> line.contains("droplet-2 passed"));
        String out = watch.stdout();
        int added = roundOf(out.lastIndexOf("dns_added fleet: added www.lab.test. 60 A " + ip(2)));
        assertThat(added - firstPassing + 1).as("checks from the first passing one to the addition:%n%s", out)
                .isBetween(1, 3);
        String record = read(dir.resolve("dns-changes.log"));
        assertThat(record).contains("dns_removed").contains("dns_added").contains(ip(2));
        // The API key is a secret: named in the state, never said anywhere.
        assertThat(out + watch.stderr() + record + String.join("\n", events)).doesNotContain(pdns.apiKey());
    }

    @Test
    @Order(4)
    void withEveryDropletDownTheRecordsStayAndOneAlertIsSent() {
        int eventsBefore = events.size();
        // All three at the same instant (the demo app's /shutdown makes its health fail at once): a
        // `docker stop` each can land seconds apart on a busy machine, and a droplet still passing
        // while the others fail twice rightly has theirs removed.
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            calls.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://" + ip(i) + ":80/shutdown")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()));
        }
        calls.forEach(java.util.concurrent.CompletableFuture::join);

        await(() -> events.stream().skip(eventsBefore).anyMatch(e -> e.contains("\"event\":\"dns_all_down\"")),
                "the all-down alert");
        int alerted = lastRound();
        await(() -> lastRound() >= alerted + 3, "three more rounds");

        assertThat(pdns.dig(NAME, "A")).as("records kept while all are down").containsExactlyInAnyOrderElementsOf(
                addresses(1, 2, 3));
        assertThat(events.stream().skip(eventsBefore).filter(e -> e.contains("dns_all_down"))).hasSize(1);
        assertThat(events.stream().skip(eventsBefore).filter(e -> e.contains("dns_removed"))).isEmpty();

        for (int i = 1; i <= 3; i++) {
            lab().dockerOn(droplet(i), "restart", "-t", "1", "demo");
        }
        await(() -> events.stream().skip(eventsBefore).anyMatch(e -> e.contains("\"event\":\"dns_recovered\"")),
                "the recovery");
        // Restarted one after the other: a late one may go out and come back once the first passes.
        awaitDig(addresses(1, 2, 3), "every droplet back");
    }

    @Test
    @Order(5)
    void anApplyWithDnsAsTheBalancerTakesTheDropletOutOfDnsFirstAndWaitsItsTtl() throws IOException {
        watch.close(); // one writer of the name while an apply drains through it
        Path applyState = writeState(lab().stateFile().getParent().resolve("dns-apply.yaml"), "dns");
        Files.writeString(applyState, Files.readString(applyState).replace(lab().env("LAB_IMAGE_V1"),
                lab().env("LAB_IMAGE_V2")));

        FleetProcess.Result apply = FleetProcess.run(dnsEnvironment(), "apply", "--yes",
                "--state", applyState.toString());

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        assertThat(apply.stdout()).contains("take its addresses out of www.lab.test")
                .contains("then its TTL (2s) for resolvers to forget it").contains("put its addresses back in www.lab.test")
                .containsPattern("droplet-3 +converged");
        assertThat(pdns.dig(NAME, "A")).containsExactlyInAnyOrderElementsOf(addresses(1, 2, 3));
    }

    @Test
    @Order(6)
    void fleetWatchKeepsTheNameInStepWhenTheStateHasADnsSection() {
        int eventsBefore = events.size();
        try (FleetProcess.Running operator = FleetProcess.start(dnsEnvironment(), "watch",
                "--state", state.toString(), "--listen", "127.0.0.1:0", "--interval", "2s",
                "--webhook", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
                "--workdir", dir.resolve("watch").toString())) {
            watch = operator; // for the messages of await
            lab().dockerOn(droplet(1), "stop", "-t", "1", "demo");
            awaitDig(addresses(2, 3), "droplet-1 taken out by fleet watch");
            lab().dockerOn(droplet(1), "start", "demo");
            awaitDig(addresses(1, 2, 3), "droplet-1 put back by fleet watch");
            await(() -> occurrences(operator.stdout(), "dns_added fleet: added www.lab.test. 60 A " + ip(1)) >= 1
                    && events.stream().skip(eventsBefore).anyMatch(e -> e.contains("dns_added")), "the addition told");
            assertThat(operator.stdout()).contains("dns_removed").contains("dns_added");
            assertThat(events.stream().skip(eventsBefore)).anySatisfy(e -> assertThat(e).contains("dns_removed"));
            assertThat(read(dir.resolve("watch").resolve("dns-changes.log"))).contains("dns_removed " ).contains(ip(1));

            // The watch's page shows the DNS failover: the name, what it publishes, the changes.
            String page = dnsPage(operator);
            assertThat(page).contains("<h2>DNS: www.lab.test.</h2>").contains("powerdns")
                    .contains("data-kind=\"dns_removed\"").contains("data-kind=\"dns_added\"");
            for (int i = 1; i <= 3; i++) {
                assertThat(page).contains("<code>www.lab.test. 60 A " + ip(i) + "</code>");
            }
            assertThat(page).doesNotContain(pdns.apiKey());
        }
    }

    /** The page of the watch {@code running}, as headless Chromium renders it, once its DNS section lists every record. */
    private static String dnsPage(FleetProcess.Running running) {
        Matcher serving = Pattern.compile("serving (http://[^ ]+/)").matcher(running.stdout());
        assertThat(serving.find()).as(running.stdout()).isTrue();
        String url = serving.group(1);
        await(() -> {
            try {
                String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                return addresses(1, 2, 3).stream().allMatch(ip -> body.contains("60 A " + ip + "</code>"));
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "every record on the page");
        try {
            return HeadlessChromium.run(dir, "--dump-dom", url);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The lab's state with a dns section, the droplets' lab addresses, and a balancer of {@code kind}. */
    /** What whoever runs fleet gives it for PowerDNS: where the API is and its key. */
    private static Map<String, String> dnsEnvironment() {
        return Map.of("FLEET_POWERDNS_API", pdns.api().toString(), "FLEET_SECRET_PDNS_API_KEY", pdns.apiKey());
    }

    private static Path writeState(Path file, String kind) throws IOException {
        String text = Files.readString(lab.get().stateFile());
        for (int i = 1; i <= 3; i++) {
            String name = "  - name: droplet-" + i + "\n";
            text = text.replace(name, name + "    addresses: [" + ip(i) + "]\n");
        }
        String ttl = kind.equals("dns") ? "2s" : "60s";
        text += "dns:\n  provider: powerdns\n  name: " + NAME + "\n  zone: " + ZONE
                + "\n  api-token-from-env: FLEET_SECRET_PDNS_API_KEY\n  ttl: " + ttl + "\n  interval: 1s\n";
        if (kind.equals("dns")) {
            text = text.replaceAll("(?s)balancer:\n  kind: haproxy\n.*?\n(?=\\S)", "balancer:\n  kind: dns\n");
        }
        Files.createDirectories(file.getParent());
        Files.copy(lab.get().stateFile().getParent().resolve("known_hosts"), file.resolveSibling("known_hosts"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return Files.writeString(file, text);
    }

    private static Lab lab() {
        return lab.get();
    }

    private static LabDroplet droplet(int i) {
        return lab().droplet("droplet-" + i);
    }

    private static String ip(int i) {
        return lab().env("LAB_DROPLET_" + i + "_IP");
    }

    private static List<String> addresses(int... droplets) {
        return java.util.Arrays.stream(droplets).mapToObj(DnsWatchIT::ip).toList();
    }

    private static void awaitDig(List<String> expected, String what) {
        await(() -> pdns.dig(NAME, "A").stream().sorted().toList().equals(expected.stream().sorted().toList()), what
                + " (dig says " + pdns.dig(NAME, "A") + ")");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 30s in vain for " + what + "; dns-watch said:\n" + watch.stdout()
                        + watch.stderr());
            }
            sleep(100);
        }
    }

    private static int lastRound() {
        Matcher m = ROUND.matcher(watch.stdout());
        int last = 0;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    private static int firstRoundAfter(int round, java.util.function.Predicate<String> line) {
        Matcher m = ROUND.matcher(watch.stdout());
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) > round && line.test(m.group(2))) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no round after " + round + " matches:\n" + watch.stdout());
    }

    /** The round whose line comes last before {@code index} in the output: the round that decided it. */
    private static int roundOf(int index) {
        assertThat(index).as(watch.stdout()).isNotNegative();
        Matcher m = ROUND.matcher(watch.stdout().substring(0, index));
        int round = 0;
        while (m.find()) {
            round = Integer.parseInt(m.group(1));
        }
        return round;
    }

    /** How many rounds it took from the first until {@code kind} was first recorded for all three. */
    private static int roundsUntil(String kind, int count) {
        String out = watch.stdout();
        int index = -1;
        for (int i = 0; i < count; i++) {
            index = out.indexOf(kind, index + 1);
        }
        return roundOf(index);
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

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
