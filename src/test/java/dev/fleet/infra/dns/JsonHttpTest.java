package dev.fleet.infra.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.fleet.desired.Secret;
import dev.fleet.dns.DnsException.Reason;
import dev.fleet.dns.DnsException;
import dev.fleet.infra.http.ApiToken;
import dev.fleet.infra.http.MisbehavingServer;
import dev.fleet.infra.http.MisbehavingServer.Behaviour;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A DNS provider's API that stalls or never stops talking: every call ends within its timeout. */
class JsonHttpTest {

    private static final String TOKEN = "pdns-test-key-7Hq2";
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private static final Duration BOUND = TIMEOUT.plusMillis(1200);

    @Test
    void anApiThatSendsHeadersAndThenStallsTimesOutAsATransientFailure() throws Exception {
        try (MisbehavingServer api = MisbehavingServer.start(Behaviour.HEADERS_THEN_STALL, 200)) {
            DnsException e = assertTimeoutPreemptively(BOUND, () -> failure(api));

            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(e.getMessage()).isEqualTo("PowerDNS at " + api.uri("") + " answered HTTP 200 but did not finish its"
                    + " body within 800ms when asked to list the records: is it overloaded? fleet tries again next round");
        }
    }

    @Test
    void anApiThatTricklesItsAnswerTimesOut() throws Exception {
        try (MisbehavingServer api = MisbehavingServer.start(Behaviour.TRICKLE, 200)) {
            DnsException e = assertTimeoutPreemptively(BOUND, () -> failure(api));

            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        }
    }

    @Test
    void anAnswerOfMoreThanOneMebibyteIsNotReadFurtherAndIsNotAProvidersAnswer() throws Exception {
        try (MisbehavingServer api = MisbehavingServer.start(Behaviour.ENDLESS_BODY, 200)) {
            DnsException e = assertTimeoutPreemptively(BOUND, () -> failure(api));

            assertThat(e.reason()).isEqualTo(Reason.UNEXPECTED_ANSWER);
            assertThat(e.getMessage()).contains("answered HTTP 200 with a body of more than 1 MiB, more than fleet reads"
                    + " when asked to list the records");
        }
    }

    @Test
    void theTokenSentIsNeverInTheMessage() throws Exception {
        try (MisbehavingServer api = MisbehavingServer.start(Behaviour.SILENT)) {
            DnsException e = assertTimeoutPreemptively(BOUND, () -> failure(api));

            assertThat(api.requests()).singleElement().asString().contains(TOKEN);
            assertThat(e.getMessage()).doesNotContain(TOKEN).contains("did not answer within 800ms");
        }
    }

    private static DnsException failure(MisbehavingServer api) {
        JsonHttp http = new JsonHttp("PowerDNS at " + api.uri(""), new ApiToken("FLEET_PDNS_KEY", new Secret(TOKEN)),
                TIMEOUT);
        return catchThrowableOfType(DnsException.class,
                () -> http.send(JsonHttp.request(api.uri("/zone")).header("X-API-Key", TOKEN), "list the records"));
    }
}
