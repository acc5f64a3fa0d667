package dev.fleet.infra.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.fleet.infra.http.BoundedHttp.Answered;
import dev.fleet.infra.http.BoundedHttp.Outcome;
import dev.fleet.infra.http.BoundedHttp.TimedOut;
import dev.fleet.infra.http.BoundedHttp.TooLarge;
import dev.fleet.infra.http.BoundedHttp.Unreachable;
import dev.fleet.infra.http.MisbehavingServer.Behaviour;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Real HTTP over loopback against servers that stall, trickle or never stop. */
class BoundedHttpTest {

    private static final Duration DEADLINE = Duration.ofMillis(800);
    private final BoundedHttp http = new BoundedHttp(HttpClient.newBuilder().connectTimeout(DEADLINE).build(),
            DEADLINE, 64 * 1024);

    @Test
    void aServerThatSendsHeadersAndStallsEndsAtTheDeadlineAndItsConnectionIsClosed() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.start(Behaviour.HEADERS_THEN_STALL, 200)) {
            Outcome outcome = timed(() -> http.send(get(server.uri("/"))));

            assertThat(outcome).isEqualTo(new TimedOut(DEADLINE, OptionalInt.of(200)));
            assertThat(outcome.describe()).isEqualTo("answered HTTP 200 but did not finish its body within 800ms");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.closedByClient() == 1);
        }
    }

    @Test
    void aServerThatTricklesABytePerTenthOfASecondEndsAtTheDeadline() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.start(Behaviour.TRICKLE, 200)) {
            Outcome outcome = timed(() -> http.send(get(server.uri("/"))));

            assertThat(outcome).isInstanceOf(TimedOut.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.closedByClient() == 1);
        }
    }

    @Test
    void aServerThatSendsNothingEndsAtTheDeadlineWithNoStatus() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.start(Behaviour.SILENT)) {
            Outcome outcome = timed(() -> http.send(get(server.uri("/"))));

            assertThat(outcome.describe()).isEqualTo("did not answer within 800ms");
        }
    }

    @Test
    void aBodyPastTheCapStopsTheReadAtOnceAndKeepsTheStatus() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.start(Behaviour.ENDLESS_BODY, 503)) {
            long started = System.nanoTime();

            Outcome outcome = http.send(get(server.uri("/")));

            assertThat(outcome).isEqualTo(new TooLarge(503, 64 * 1024));
            assertThat(outcome.describe()).isEqualTo("answered HTTP 503 with a body of more than 64 KiB, more than fleet"
                    + " reads");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.closedByClient() == 1);
        }
    }

    @Test
    void aWholeAnswerWithinTheDeadlineAndTheCapIsKept() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "fine".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Outcome outcome = http.send(get(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")));

            assertThat(outcome).isInstanceOfSatisfying(Answered.class, answer -> {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.text()).isEqualTo("fine");
            });
        } finally {
            server.stop(0);
        }
    }

    @Test
    void nothingListeningIsUnreachable() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }

        Outcome outcome = http.send(get(URI.create("http://127.0.0.1:" + port + "/")));

        assertThat(outcome).isInstanceOf(Unreachable.class);
        assertThat(outcome.describe()).startsWith("could not be reached (ConnectException");
    }

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).GET().build();
    }

    /** Runs {@code call} and checks it ended near the deadline: not before it, and not long after. */
    private static Outcome timed(Call call) throws Exception {
        long started = System.nanoTime();
        Outcome outcome = call.run();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isBetween(DEADLINE.minusMillis(50), DEADLINE.plusMillis(700));
        return outcome;
    }

    @FunctionalInterface
    private interface Call {
        Outcome run() throws IOException, InterruptedException;
    }
}
