package dev.fleet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The load client behind every "0 failed requests" ({@code deploy/lab/load/Load.java}, through
 * {@link LoadRun}), against small loopback servers that misbehave on purpose: it must count what a
 * real client would see fail, once, and never make a failure disappear by sending the request again.
 */
class LoadClientTest {

    private static final int RATE = 50;

    @Test
    void aConnectionClosedWithoutAnAnswerIsOneFailureAndNeverResent() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (LoopbackServer server = new LoopbackServer(connection -> {
            if (connections.incrementAndGet() == 1) {
                connection.readRequest();
                return; // closed without a byte of answer
            }
            connection.answerEvery(200);
        })) {
            LoadRun.Summary load = runFor(server, 2_000);

            assertThat(load.failed()).as(load.raw()).isEqualTo(1);
            assertThat(load.failures()).as(load.raw()).containsOnlyKeys("closed before any answer");
            assertThat(load.ok()).as(load.raw()).isEqualTo(load.requests() - 1);
            assertThat(server.requests.get()).as("requests the server read, against the client's %s", load.raw())
                    .isEqualTo(load.requests());
        }
    }

    @Test
    void everyNon2xxAnswerAndRefusedConnectionIsAFailureByKind() throws Exception {
        try (LoopbackServer server = new LoopbackServer(connection -> connection.answerEvery(503))) {
            LoadRun.Summary load = runFor(server, 1_000);
            assertThat(load.ok()).as(load.raw()).isZero();
            assertThat(load.failures()).as(load.raw()).containsOnlyKeys("HTTP 503");
            assertThat(load.failed()).isEqualTo(load.requests());
        }
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (LoadRun run = LoadRun.start("http://127.0.0.1:" + closedPort + "/", RATE, 30)) {
            pause(1_000);
            LoadRun.Summary load = run.stop();
            assertThat(load.failures()).as(load.raw()).containsOnlyKeys("connection refused");
            assertThat(load.failed()).isEqualTo(load.requests()).isPositive();
        }
    }

    @Test
    void aStallIsMeasuredAsTheLongestGapBetweenSuccesses() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicLong stallUntil = new AtomicLong();
        try (LoopbackServer server = new LoopbackServer(connection -> {
            while (connection.readRequest()) {
                if (requests.incrementAndGet() == 20) {
                    stallUntil.set(System.nanoTime() + 1_500_000_000L);
                }
                long stalled = stallUntil.get() - System.nanoTime();
                if (stalled > 0) {
                    pause(stalled / 1_000_000); // every request in the window waits: the service stalls
                }
                connection.answer(200);
            }
        })) {
            LoadRun.Summary load = runFor(server, 3_500);
            assertThat(load.failed()).as(load.raw()).isZero();
            assertThat(load.worstLatencyMillis()).as(load.raw()).isGreaterThanOrEqualTo(1_400);
            assertThat(load.longestGapMillis()).as(load.raw()).isGreaterThanOrEqualTo(1_000);
        }
    }

    @Test
    void aRunThatEndsOnItsOwnIsNotAFullRun() throws Exception {
        try (LoopbackServer server = new LoopbackServer(connection -> connection.answerEvery(200));
                LoadRun run = LoadRun.start(server.url(), RATE, 1)) {
            pause(2_500);
            LoadRun.Summary load = run.stop();
            assertThat(load.endedBy()).isEqualTo("time limit");
            assertThat(load.failed()).isZero();
            assertThatThrownBy(load::assertRanFully)
                    .hasMessageContaining("ended on its own");
        }
    }

    private static LoadRun.Summary runFor(LoopbackServer server, long millis) {
        try (LoadRun run = LoadRun.start(server.url(), RATE, 60)) {
            pause(millis);
            return run.stop().assertRanFully();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private interface Handler {
        void handle(Exchange connection) throws IOException;
    }

    /** One accepted connection, as a handler sees it; every request head read is counted by the server. */
    private record Exchange(Socket socket, AtomicInteger requests) {

        /** Reads one request head; false at the end of the connection. */
        boolean readRequest() throws IOException {
            InputStream in = socket.getInputStream();
            int lastFour = 0;
            int read = 0;
            while (lastFour != 0x0D0A0D0A) {
                int b = in.read();
                if (b < 0 || ++read > 16_384) {
                    return false;
                }
                lastFour = (lastFour << 8) | b;
            }
            requests.incrementAndGet();
            return true;
        }

        /** Answers every request on the connection with {@code status}, keeping it alive. */
        void answerEvery(int status) throws IOException {
            while (readRequest()) {
                answer(status);
            }
        }

        void answer(int status) throws IOException {
            byte[] body = "{\"version\":\"v1\"}".getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }
    }

    /** A loopback HTTP server whose every connection is handled by {@code handler} on a thread of its own. */
    private static final class LoopbackServer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread acceptor;
        final AtomicInteger requests = new AtomicInteger();

        LoopbackServer(Handler handler) throws IOException {
            server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread.ofVirtual().start(() -> {
                            try (socket) {
                                handler.handle(new Exchange(socket, requests));
                            } catch (IOException e) {
                                // the client went away: its side counts that
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/";
        }

        @Override
        public void close() throws IOException {
            server.close();
            acceptor.interrupt();
        }
    }
}
