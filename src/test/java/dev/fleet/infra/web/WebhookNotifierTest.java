package dev.fleet.infra.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fleet.infra.http.MisbehavingServer;
import dev.fleet.infra.http.MisbehavingServer.Behaviour;
import dev.fleet.rollout.watch.WatchEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Webhook posts over real HTTP on loopback: whatever the receiver does, the callers go on. */
class WebhookNotifierTest {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private HttpServer receiver;

    @AfterEach
    void stop() {
        released.countDown();
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void aReceiverThatStallsHoldsNeitherTheWatchLoopNorTheDnsRounds() throws Exception {
        try (MisbehavingServer stalled = MisbehavingServer.start(Behaviour.HEADERS_THEN_STALL, 200)) {
            WebhookNotifier notifier = new WebhookNotifier(stalled.uri("/hook/secret-path"), Optional.empty());

            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                Thread dnsRounds = Thread.ofPlatform().start(() -> tell(notifier, 3));
                tell(notifier, 3);
                dnsRounds.join();
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> stalled.requests().size() == 1);
        }
    }

    @Test
    void eventsArePostedInTheOrderTheyWereTold() throws Exception {
        WebhookNotifier notifier = new WebhookNotifier(receive(n -> false), Optional.empty());

        tell(notifier, 5);

        assertThat(notifier.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(received).containsExactly("event 0", "event 1", "event 2", "event 3", "event 4");
    }

    @Test
    void aFullQueueDropsTheOldestEventsAndCountsThem() throws Exception {
        WebhookNotifier notifier = new WebhookNotifier(receive(n -> n == 0), Duration.ofSeconds(5), 3);
        notifier.notify(event(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);

        for (int i = 1; i <= 6; i++) {
            notifier.notify(event(i));
        }
        released.countDown();

        assertThat(notifier.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(received).containsExactly("event 0", "event 4", "event 5", "event 6");
        assertThat(notifier.dropped()).isEqualTo(3);
    }

    @Test
    void aPostThatStallsIsGivenUpAtItsTimeoutTriedAgainAndTheNextEventsStillGo() throws Exception {
        WebhookNotifier notifier = new WebhookNotifier(receive(n -> n == 0), Optional.empty(), Duration.ofMillis(500),
                10, Duration.ofMillis(100), Clock.systemUTC());
        long started = System.nanoTime();

        tell(notifier, 2);

        assertThat(notifier.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(received).containsExactly("event 0", "event 0", "event 1");
    }

    @Test
    void aReceiverThatAnswers503TwiceGetsTheEventOnTheThirdTryWithTheSameDeliveryId() throws Exception {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        URI url = answering(n -> n < 2 ? 503 : 204, exchange -> deliveries.add(
                exchange.getRequestHeaders().getFirst("X-Fleet-Delivery")));
        WebhookNotifier notifier = new WebhookNotifier(url, Optional.empty(), Duration.ofSeconds(2), 10,
                Duration.ofMillis(50), Clock.systemUTC());

        tell(notifier, 1);

        assertThat(notifier.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(received).containsExactly("event 0", "event 0", "event 0");
        assertThat(deliveries).hasSize(3).doesNotContainNull().containsOnly(deliveries.getFirst());
    }

    @Test
    void aReceiverThatRefusesAnEventIsNotAskedAgain() throws Exception {
        WebhookNotifier notifier = new WebhookNotifier(answering(n -> 400, exchange -> {}), Optional.empty(),
                Duration.ofSeconds(2), 10, Duration.ofMillis(50), Clock.systemUTC());

        tell(notifier, 2);

        assertThat(notifier.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(received).containsExactly("event 0", "event 1");
    }

    @Test
    void aSignedPostCarriesTheHmacOfItsTimestampAndBodyWhichAReceiverCanCheck() throws Exception {
        byte[] key = "webhook-signing-key-T9w".getBytes(StandardCharsets.UTF_8);
        List<String> checks = new CopyOnWriteArrayList<>();
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        URI url = answering(n -> 204, exchange -> {
            String timestamp = exchange.getRequestHeaders().getFirst("X-Fleet-Timestamp");
            String signature = exchange.getRequestHeaders().getFirst("X-Fleet-Signature-256");
            checks.add(timestamp + " " + signature.equals(hmac(key, timestamp + "." + lastBody)) + " "
                    + exchange.getRequestHeaders().getFirst("X-Fleet-Event"));
        });
        WebhookNotifier notifier = new WebhookNotifier(url, Optional.of(key), Duration.ofSeconds(2), 10,
                Duration.ofMillis(50), Clock.fixed(now, ZoneOffset.UTC));

        tell(notifier, 1);

        assertThat(notifier.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(checks).containsExactly(now.getEpochSecond() + " true rollout_failed");
        assertThat(WebhookNotifier.signature("other-key".getBytes(StandardCharsets.UTF_8), now.getEpochSecond(),
                lastBody)).isNotEqualTo(WebhookNotifier.signature(key, now.getEpochSecond(), lastBody));
    }

    @Test
    void theSigningKeyComesFromTheVariableOrItsFileNeverBoth() throws Exception {
        Path file = Files.writeString(Files.createTempFile("webhook", ".key"), "key-from-file\n");
        try {
            assertThat(WebhookNotifier.signingKeyFrom(Map.of())).isEmpty();
            assertThat(WebhookNotifier.signingKeyFrom(Map.of("FLEET_WEBHOOK_SECRET", "k1"))).hasValueSatisfying(
                    k -> assertThat(new String(k, StandardCharsets.UTF_8)).isEqualTo("k1"));
            assertThat(WebhookNotifier.signingKeyFrom(Map.of("FLEET_WEBHOOK_SECRET_FILE", file.toString())))
                    .hasValueSatisfying(k -> assertThat(new String(k, StandardCharsets.UTF_8)).isEqualTo("key-from-file"));
            assertThatThrownBy(() -> WebhookNotifier.signingKeyFrom(Map.of("FLEET_WEBHOOK_SECRET", "k1",
                    "FLEET_WEBHOOK_SECRET_FILE", file.toString()))).hasMessageContaining("both set");
            assertThatThrownBy(() -> WebhookNotifier.signingKeyFrom(Map.of("FLEET_WEBHOOK_SECRET_FILE",
                    file + ".missing"))).hasMessageContaining("cannot be read").hasMessageNotContaining("key-from-file");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void drainGivesUpAtItsBound() throws Exception {
        WebhookNotifier notifier = new WebhookNotifier(receive(n -> true), Duration.ofSeconds(5), 10);
        tell(notifier, 1);

        assertThat(notifier.drain(Duration.ofMillis(200))).isFalse();
    }

    private static void tell(WebhookNotifier notifier, int events) {
        for (int i = 0; i < events; i++) {
            notifier.notify(event(i));
        }
    }

    private static WatchEvent event(int number) {
        return new WatchEvent.RolloutFailed("demo", "abc123", Instant.parse("2026-12-02T10:00:00Z"), "event " + number);
    }

    private volatile String lastBody = "";

    /** A receiver that keeps each event's reason and answers request N (from 0) with {@code status(N)}. */
    private URI answering(IntUnaryOperator status, Consumer<HttpExchange> look) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            lastBody = body;
            int number = received.size();
            received.add(body.replaceAll(".*\"reason\":\"([^\"]*)\".*", "$1"));
            look.accept(exchange);
            exchange.sendResponseHeaders(status.applyAsInt(number), -1);
            exchange.close();
        });
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/secret-path");
    }

    /** What a receiver computes: the documented signature, independently of the notifier's code. */
    private static String hmac(byte[] key, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A receiver that keeps each event's reason, in the order received; the requests {@code held}
     * picks (by number, from 0) wait until the test releases them before being answered.
     */
    private URI receive(IntPredicate held) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int number = received.size();
            received.add(body.replaceAll(".*\"reason\":\"([^\"]*)\".*", "$1"));
            if (held.test(number)) {
                try {
                    released.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/secret-path");
    }
}
