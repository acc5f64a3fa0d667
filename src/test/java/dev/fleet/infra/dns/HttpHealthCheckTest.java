package dev.fleet.infra.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import dev.fleet.dns.HealthCheck;
import dev.fleet.infra.http.MisbehavingServer;
import dev.fleet.infra.http.MisbehavingServer.Behaviour;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DNS health check over real HTTP on loopback: every check ends within its timeout. */
class HttpHealthCheckTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);
    /** Time enough to end, well short of the hang this guards against. */
    private static final Duration BOUND = TIMEOUT.plusMillis(1200);

    @Test
    void aDropletThatSendsHeadersAndThenStallsFailsAtTheTimeout() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.start(Behaviour.HEADERS_THEN_STALL, 200)) {
            HealthCheck.Result result = assertTimeoutPreemptively(BOUND,
                    () -> check(server.port()).check("d1", List.of("127.0.0.1")));

            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).isEqualTo("http://127.0.0.1:" + server.port()
                    + "/health answered HTTP 200 but did not finish its body within 800ms");
        }
    }

    @Test
    void aDropletThatTricklesItsAnswerFailsAtTheTimeout() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.start(Behaviour.TRICKLE, 200)) {
            HealthCheck.Result result = assertTimeoutPreemptively(BOUND,
                    () -> check(server.port()).check("d1", List.of("127.0.0.1")));

            assertThat(result.passed()).isFalse();
        }
    }

    @Test
    void anEndlessBodyIsReadNoFurtherThanTheCapAndTheStatusDecides() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.start(Behaviour.ENDLESS_BODY, 200)) {
            HealthCheck.Result result = assertTimeoutPreemptively(BOUND,
                    () -> check(server.port()).check("d1", List.of("127.0.0.1")));

            assertThat(result.passed()).as(result.detail()).isTrue();
        }
    }

    @Test
    void theAddressesAreAskedAtOnceSoThreeStalledOnesTakeOneTimeout() throws Exception {
        try (MisbehavingServer server = MisbehavingServer.start(Behaviour.SILENT)) {
            HealthCheck.Result result = assertTimeoutPreemptively(BOUND,
                    () -> check(server.port()).check("d1", List.of("127.0.0.1", "127.0.0.1", "127.0.0.1")));

            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).contains("did not answer within 800ms; ");
        }
    }

    @Test
    void anotherStatusThanTheExpectedOneFails() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            HealthCheck.Result result = check(server.getAddress().getPort()).check("d1", List.of("127.0.0.1"));

            assertThat(result).isEqualTo(new HealthCheck.Result(false, "http://127.0.0.1:" + server.getAddress().getPort()
                    + "/health answered 503 (expected 200)"));
        } finally {
            server.stop(0);
        }
    }

    private static HttpHealthCheck check(int port) {
        return new HttpHealthCheck(port, "/health", 200, TIMEOUT);
    }
}
