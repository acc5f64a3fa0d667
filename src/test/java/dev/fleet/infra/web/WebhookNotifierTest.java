package dev.fleet.infra.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import dev.fleet.infra.http.MisbehavingServer;
import dev.fleet.infra.http.MisbehavingServer.Behaviour;
import dev.fleet.rollout.watch.WatchEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
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
            WebhookNotifier notifier = new WebhookNotifier(stalled.uri("/hook/secret-path"));

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
        WebhookNotifier notifier = new WebhookNotifier(receive(n -> false));

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
    void aPostThatStallsIsGivenUpAtItsTimeoutAndTheNextEventsStillGo() throws Exception {
        WebhookNotifier notifier = new WebhookNotifier(receive(n -> n == 0), Duration.ofMillis(500), 10);
        long started = System.nanoTime();

        tell(notifier, 2);

        assertThat(notifier.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(received).containsExactly("event 0", "event 1");
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
            received.add(body.replaceAll(".*\"reason\": \"([^\"]*)\".*", "$1"));
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
