package dev.fleet.infra.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.infra.web.BoundedHttpServer.Limits;
import dev.fleet.rollout.watch.WatchStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The watch's status server over real sockets on loopback: slow clients, many clients, foreign names. */
class StatusServerTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String VERSION = "test";
    private static final WatchStatus STATUS = WatchStatus.starting(NOW, "fleet.yaml", false, Duration.ofSeconds(30));
    private static final Limits QUICK = new Limits(Duration.ofMillis(500), Duration.ofSeconds(2), 4);

    private final List<Socket> clients = new ArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private StatusServer server;

    @AfterEach
    void stop() throws IOException {
        released.countDown();
        for (Socket client : clients) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoHundredSlowClientsDoNotKeepANormalRequestWaiting() throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION);
        for (int i = 0; i < 200; i++) {
            send(connect(), "GET /drift.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        }
        long started = System.nanoTime();

        String answer = exchange("GET /drift.json HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("\"source\"");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aClientThatDoesNotFinishItsRequestIsAnswered408AtTheHeadTimeoutAndCutOff() throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION, QUICK);
        Socket slow = connect();
        send(slow, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        long started = System.nanoTime();

        String answer = readAll(slow);

        assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(2));
    }

    @Test
    void aRequestTrickledAByteAtATimeIsCutAtTheHeadTimeoutToo() throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION, QUICK);
        Socket slow = connect();
        slow.setSoTimeout(100);
        long started = System.nanoTime();
        StringBuilder answer = new StringBuilder();
        for (byte b : "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes()) {
            try {
                slow.getOutputStream().write(b);
                int read = slow.getInputStream().read();
                if (read < 0) {
                    break;
                }
                answer.append((char) read);
            } catch (SocketTimeoutException e) {
                // nothing yet: the next byte
            } catch (IOException e) {
                break;
            }
        }
        answer.append(readAll(slow));

        assertThat(answer.toString()).startsWith("HTTP/1.1 408");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void pastTheCapTheConnectionWaitingLongestForItsRequestGivesWay() throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION,
                new Limits(Duration.ofSeconds(30), Duration.ofSeconds(2), 2));
        Socket oldest = connect();
        send(oldest, "GET / HTTP/1.1\r\n");
        Socket next = connect();
        send(next, "GET / HTTP/1.1\r\n");

        String answer = exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok\n");
        assertThat(readAll(oldest)).as("the oldest slow client was closed").isEmpty();
    }

    @Test
    void whenEveryConnectionIsBeingAnsweredANewcomerIsTold503AtOnce() throws Exception {
        server = StatusServer.start(loopback(), List.of(), held(), CLOCK, VERSION, new Limits(Duration.ofSeconds(5),
                Duration.ofSeconds(2), 2));
        send(connect(), "GET /drift.json HTTP/1.1\r\nHost: localhost\r\n\r\n");
        send(connect(), "GET /drift.json HTTP/1.1\r\nHost: localhost\r\n\r\n");
        Thread.sleep(300); // both requests are being answered (their answers wait for the status)
        long started = System.nanoTime();

        String answer = exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("too many connections");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "evil.example:8089", "127.0.0.1.nip.io", "localhost.evil.example"})
    void aRequestNamingAForeignHostIsRefusedWith421AndSeesNoStatus(String host) throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION);

        String answer = exchange("GET /drift.json HTTP/1.1\r\nHost: " + host + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 421 Misdirected Request\r\n")
                .contains("fleet watch does not answer to the name '" + host.replace(":8089", "") + "'")
                .contains("--allowed-host NAME").doesNotContain("\"source\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:PORT", "127.0.0.1", "localhost:PORT", "LocalHost.:PORT", "[::1]:PORT",
        "localhost:9000"})
    void theListenAddressAndTheLoopbackNamesAreServedOnAnyPort(String host) throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION);

        String answer = exchange("GET /healthz HTTP/1.1\r\nHost: " + host.replace("PORT", "" + port()) + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void aNameGivenWithAllowedHostIsServedAndNoOther() throws Exception {
        server = StatusServer.start(loopback(), List.of("status.example.com"), () -> STATUS, CLOCK, VERSION);

        assertThat(exchange("GET /healthz HTTP/1.1\r\nHost: Status.Example.COM\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(exchange("GET /healthz HTTP/1.1\r\nHost: status.example.com.evil.example\r\n\r\n"))
                .startsWith("HTTP/1.1 421");
    }

    @Test
    void aRequestWithoutAHostOrWithTwoIsABadRequest() throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION);

        assertThat(exchange("GET /healthz HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
    }

    @Test
    void headGetsTheHeadersOnlyAndOtherMethodsAreNotAllowed() throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION);

        assertThat(exchange("HEAD /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200")
                .contains("Content-Length: 3\r\n").endsWith("\r\n\r\n");
        assertThat(exchange("POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"))
                .startsWith("HTTP/1.1 405").contains("Allow: GET, HEAD\r\n");
    }

    @Test
    void aRequestHeadLongerThanTheLimitIsRefused() throws Exception {
        server = StatusServer.start(loopback(), List.of(), () -> STATUS, CLOCK, VERSION);

        String answer = exchange("GET / HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "a".repeat(9000) + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 431");
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private int port() {
        return server.address().getPort();
    }

    /** A status that waits until the test ends: its answers are being rendered all along. */
    private Supplier<WatchStatus> held() {
        return () -> {
            try {
                released.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return STATUS;
        };
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port());
        clients.add(socket);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Sends {@code request} on a new connection and reads the answer until the server closes it. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            send(socket, request);
            return readAll(socket);
        }
    }

    /** What the server sends until it closes the connection (a reset counts as closed), at most 5 s. */
    private static String readAll(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketException e) {
            // reset: the server closed without reading all that was sent
        }
        return answer.toString();
    }
}
