package dev.fleet.infra.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.fleet.apply.ProbeFigures;
import dev.fleet.apply.TrafficProbe;
import dev.fleet.desired.ProbeSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The probe against a server on the loopback: answers, failures by kind, and a bounded stream of requests. */
@Timeout(20)
class HttpProbeTest {

    private final CountDownLatch released = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes());
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/gone", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.createContext("/hangs", exchange -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        released.countDown();
        server.stop(0);
    }

    @Test
    void aServerThatAnswersGivesSuccessesAtTheRateAndShortGaps() throws Exception {
        ProbeFigures figures = run("/ok", 50, Duration.ofSeconds(2), Duration.ofMillis(1000));

        assertThat(figures.failures()).isEmpty();
        assertThat(figures.requests()).isBetween(40L, 52L); // at most rate x duration, and one at the start
        assertThat(figures.longestGap()).isLessThan(Duration.ofMillis(300));
    }

    @Test
    void answersOutside2xxAnd3xxAreFailuresByKind() throws Exception {
        assertThat(run("/down", 20, Duration.ofSeconds(2), Duration.ofMillis(500)).failures())
                .containsOnlyKeys("status_5xx");
        assertThat(run("/gone", 20, Duration.ofSeconds(2), Duration.ofMillis(500)).failures())
                .containsOnlyKeys("status_other");
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeoutAndTheGapIsTheWholeRun() throws Exception {
        ProbeFigures figures = run("/hangs", 20, Duration.ofMillis(200), Duration.ofMillis(700));

        assertThat(figures.failures()).containsOnlyKeys("timeout");
        assertThat(figures.longestGap()).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void aPortNobodyListensOnIsRefused() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        TrafficProbe.Running running = new HttpProbe(Clock.systemUTC()).start(new ProbeSpec(
                URI.create("http://127.0.0.1:" + closed + "/"), 20, Duration.ofSeconds(1), OptionalInt.empty()));
        Thread.sleep(500);

        assertThat(running.stop().failures()).containsOnlyKeys("refused");
    }

    @Test
    void stoppingTwiceGivesTheSameFiguresAndSendsNothingMore() throws Exception {
        TrafficProbe.Running running = start("/ok", 50, Duration.ofSeconds(2));
        Thread.sleep(300);
        ProbeFigures stopped = running.stop();
        Thread.sleep(200);

        assertThat(running.stop()).isEqualTo(stopped);
    }

    private ProbeFigures run(String path, int rate, Duration timeout, Duration runFor) throws InterruptedException {
        TrafficProbe.Running running = start(path, rate, timeout);
        Thread.sleep(runFor.toMillis());
        return running.stop();
    }

    private TrafficProbe.Running start(String path, int rate, Duration timeout) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return new HttpProbe(Clock.systemUTC()).start(new ProbeSpec(url, rate, timeout, OptionalInt.empty()));
    }
}
