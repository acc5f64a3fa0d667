package dev.fleet.infra.droplet.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.HealthSpec.ContentCheck;
import dev.fleet.desired.HealthSpec;
import dev.fleet.observed.HealthProbe;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthProberTest {

    private static final HealthSpec SPEC = new HealthSpec("/health", 80, 200,
            List.of(new ContentCheck("/", "happy response")), Duration.ofSeconds(2), 3, Duration.ofSeconds(1));

    @Test
    void aHealthyAppHasNoFailures() {
        HealthProbe probe = probe(Map.of("/health", new HttpAnswer(200, "{\"status\":\"ok\"}"),
                "/", new HttpAnswer(200, "{\"api\":\"happy response\"}")));

        assertThat(probe).isEqualTo(new HealthProbe(Optional.of(200), List.of()));
        assertThat(probe.healthy()).isTrue();
    }

    @Test
    void anUnexpectedStatusSaysWhatWasExpected() {
        HealthProbe probe = probe(Map.of("/health", new HttpAnswer(503, ""), "/", new HttpAnswer(200, "happy response")));

        assertThat(probe.status()).contains(503);
        assertThat(probe.failures()).containsExactly("/health answered 503 (expected 200)");
    }

    @Test
    void aContentCheckNeedsItsTextAndA2xx() {
        assertThat(probe(Map.of("/health", new HttpAnswer(200, ""), "/", new HttpAnswer(200, "sad"))).failures())
                .containsExactly("/ answered 200 but does not contain \"happy response\"");
        assertThat(probe(Map.of("/health", new HttpAnswer(200, ""), "/", new HttpAnswer(404, "happy response"))).failures())
                .containsExactly("/ answered 404 (expected 2xx)");
    }

    @Test
    void noAnswerInTimeIsAFailureWithoutAStatus() {
        HealthProbe probe = new HealthProber((path, port, timeout) -> {
            throw new SocketTimeoutException("slow");
        }).probe(SPEC);

        assertThat(probe.status()).isEmpty();
        assertThat(probe.failures()).containsExactly("/health did not answer within 2s", "/ did not answer within 2s");
    }

    @Test
    void noAnswerAtAllSaysWhy() {
        HealthProbe probe = new HealthProber((path, port, timeout) -> {
            throw new IOException("127.0.0.1:80 refused the connection");
        }).probe(new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 1, Duration.ofSeconds(1)));

        assertThat(probe.failures()).containsExactly("/health did not answer: 127.0.0.1:80 refused the connection");
    }

    @Test
    void aPathThatCannotBeRequestedIsAFailureNotARequest() {
        HealthProbe probe = new HealthProber((path, port, timeout) -> {
            throw new AssertionError("no request for " + path);
        }).probe(new HealthSpec("/he alth", 80, 200, List.of(), Duration.ofSeconds(2), 1, Duration.ofSeconds(1)));

        assertThat(probe.failures()).containsExactly(
                "/he alth is not a path fleet can request (it must start with / and hold no spaces)");
    }

    private static HealthProbe probe(Map<String, HttpAnswer> answers) {
        return new HealthProber((path, port, timeout) -> {
            assertThat(port).isEqualTo(80);
            assertThat(timeout).isEqualTo(Duration.ofSeconds(2));
            return answers.get(path);
        }).probe(SPEC);
    }
}
