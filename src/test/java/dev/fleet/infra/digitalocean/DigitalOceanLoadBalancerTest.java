package dev.fleet.infra.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.cloud.CloudApiException.Reason;
import dev.fleet.cloud.CloudApiException;
import dev.fleet.cloud.CloudBalancerView;
import dev.fleet.desired.Secret;
import dev.fleet.infra.digitalocean.FakeDigitalOcean.Canned;
import dev.fleet.infra.http.ApiToken;
import dev.fleet.infra.http.RetryPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DigitalOcean's load balancer API, against a loopback server that follows its documented shapes. */
class DigitalOceanLoadBalancerTest {

    private static final String TOKEN = "dop_v1_test-token-Qm4v8Xz1";
    private static final String VARIABLE = "FLEET_SECRET_DIGITALOCEAN_TOKEN";
    private static final ApiToken API_TOKEN = new ApiToken(VARIABLE, new Secret(TOKEN));
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final FakeDigitalOcean digitalocean = new FakeDigitalOcean(TOKEN);
    /** The pauses between attempts, as asked for: none is slept. */
    private final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    private final DigitalOceanLoadBalancer balancer = client(digitalocean.api(), API_TOKEN, Duration.ofSeconds(5));

    DigitalOceanLoadBalancerTest() throws IOException {
        digitalocean.balancer(FakeDigitalOcean.BALANCER, 3164444, 3164445);
    }

    @AfterEach
    void close() {
        digitalocean.close();
    }

    @Test
    void readGivesTheStatusTheDropletsAndTheHealthCheckWithTheTokenAsBearer() throws Exception {
        digitalocean.healthCheck(FakeDigitalOcean.BALANCER, 10, 3, 5);

        CloudBalancerView view = balancer.read();

        assertThat(view.name()).isEqualTo("example-lb-01");
        assertThat(view.active()).isTrue();
        assertThat(view.droplets()).containsExactlyInAnyOrder(3164444L, 3164445L);
        assertThat(view.checks()).isEqualTo(new CloudBalancerView.HealthChecks(Duration.ofSeconds(10), 3, 5));
        assertThat(view.checks().toComeBack()).isEqualTo(Duration.ofSeconds(40));
        assertThat(view.unusable()).isEmpty();
        assertThat(digitalocean.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/v2/load_balancers/" + FakeDigitalOcean.BALANCER);
            assertThat(request.authorization()).isEqualTo("Bearer " + TOKEN);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"new", "errored"})
    void aBalancerThatIsNotActiveIsReadAsSuch(String status) throws Exception {
        digitalocean.status(FakeDigitalOcean.BALANCER, status);

        CloudBalancerView view = balancer.read();

        assertThat(view.active()).isFalse();
        assertThat(view.status()).isEqualTo(status);
    }

    @Test
    void aBalancerThatSelectsDropletsByTagIsUnusableForSingleDroplets() throws Exception {
        digitalocean.tag(FakeDigitalOcean.BALANCER, "prod:web");

        assertThat(balancer.read().unusable()).hasValueSatisfying(why -> assertThat(why).contains("prod:web", "422"));
    }

    @Test
    void removeSendsTheDocumentedBodyForThatDropletOnly() throws Exception {
        balancer.remove(3164444);

        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactly(3164445L);
        assertThat(digitalocean.requests("DELETE")).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/v2/load_balancers/" + FakeDigitalOcean.BALANCER + "/droplets");
            assertThat(new ObjectMapper().readTree(request.body()))
                    .isEqualTo(new ObjectMapper().readTree("{\"droplet_ids\":[3164444]}"));
        });
    }

    @Test
    void addPutsTheDropletBack() throws Exception {
        balancer.remove(3164444);

        balancer.add(3164444);

        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactlyInAnyOrder(3164444L, 3164445L);
        assertThat(digitalocean.requests("POST")).singleElement().extracting(FakeDigitalOcean.Request::body)
                .isEqualTo("{\"droplet_ids\":[3164444]}");
    }

    @Test
    void aBurstLimitIsWaitedOutAsItsRetryAfterSaysAndTheCallSucceeds() throws Exception {
        digitalocean.queue(Canned.burstLimited(7));

        balancer.remove(3164444);

        assertThat(pauses).containsExactly(Duration.ofSeconds(7));
        assertThat(digitalocean.requests("DELETE")).hasSize(2);
        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).containsExactly(3164445L);
    }

    @Test
    void aRateLimitWithoutRetryAfterIsWaitedOutUntilItsReset() throws Exception {
        digitalocean.queue(Canned.hourLimited(NOW.plusSeconds(12)));

        assertThat(balancer.read().active()).isTrue();

        assertThat(pauses).containsExactly(Duration.ofSeconds(12));
    }

    @Test
    void aRateLimitResetFurtherAwayThanFleetWaitsFailsAtOnceSayingSo() {
        digitalocean.queue(Canned.hourLimited(NOW.plusSeconds(40 * 60)));

        CloudApiException e = catchThrowableOfType(CloudApiException.class, () -> balancer.remove(3164444));

        assertThat(e.reason()).isEqualTo(Reason.RATE_LIMITED);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains("is rate limiting the token in " + VARIABLE, "too_many_requests",
                "asked to wait 40m, longer than fleet waits (1m)").doesNotContain(TOKEN);
        assertThat(pauses).isEmpty();
        assertThat(digitalocean.requests("DELETE")).hasSize(1);
    }

    @Test
    void aServerErrorIsTriedAgainAfterLookingWhetherTheChangeWentThrough() throws Exception {
        digitalocean.queue(Canned.serverError());

        balancer.add(3164446);

        assertThat(digitalocean.requests()).extracting(FakeDigitalOcean.Request::method)
                .containsExactly("POST", "GET", "POST");
        assertThat(pauses).containsExactly(Duration.ofSeconds(1));
        assertThat(digitalocean.droplets(FakeDigitalOcean.BALANCER)).contains(3164446L);
    }

    @Test
    void aChangeWhoseAnswerWasLostIsNotMadeTwice() throws Exception {
        // The removal went through; its answer never came.
        digitalocean.queue(Canned.noAnswer());
        DigitalOceanLoadBalancer impatient = client(digitalocean.api(), API_TOKEN, Duration.ofMillis(300));
        digitalocean.balancer(FakeDigitalOcean.BALANCER, 3164445);

        impatient.remove(3164444);

        assertThat(digitalocean.requests()).extracting(FakeDigitalOcean.Request::method).containsExactly("DELETE", "GET");
    }

    @Test
    void aServerErrorThatPersistsFailsAfterTheLastAttemptAsTransient() {
        for (int i = 0; i < 4; i++) {
            digitalocean.queue(Canned.serverError());
        }

        CloudApiException e = catchThrowableOfType(CloudApiException.class, () -> balancer.read());

        assertThat(e.reason()).isEqualTo(Reason.SERVER_ERROR);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).contains("failed to read it (HTTP 500: server_error: Unexpected server-side error",
                "tried 4 times");
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void aRefusedTokenIsTerminalAtOnceAndNamedByItsVariableNeverShown() {
        DigitalOceanLoadBalancer wrong = client(digitalocean.api(), new ApiToken(VARIABLE, new Secret("dop_v1_wrong")),
                Duration.ofSeconds(5));

        CloudApiException e = catchThrowableOfType(CloudApiException.class, () -> wrong.remove(3164444));

        assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).startsWith("the token in " + VARIABLE + " was refused by DigitalOcean load balancer")
                .contains("HTTP 401: unauthorized: Unable to authenticate you.").doesNotContain("dop_v1_wrong");
        assertThat(pauses).isEmpty();
        assertThat(digitalocean.requests()).hasSize(1);
    }

    @Test
    void aTokenWithoutTheScopeIsTerminalAndSaysWhichScopes() {
        digitalocean.queue(Canned.error(403, "forbidden", "You are not authorized to perform this operation"));

        CloudApiException e = catchThrowableOfType(CloudApiException.class, () -> balancer.remove(3164444));

        assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS);
        assertThat(e.getMessage()).contains("may not remove droplet 3164444", "load_balancer:update");
    }

    @Test
    void anUnknownBalancerIsTerminalAndSaysWhatToCheck() {
        DigitalOceanLoadBalancer elsewhere = new DigitalOceanLoadBalancer(digitalocean.api(),
                "ffffffff-495b-4884-9a69-1050c6793cd6", API_TOKEN, Duration.ofSeconds(5), RetryPolicy.DEFAULT,
                pauses::add, CLOCK);

        CloudApiException e = catchThrowableOfType(CloudApiException.class, elsewhere::read);

        assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("ffffffff-495b-4884-9a69-1050c6793cd6", "HTTP 404: not_found",
                "balancer.load-balancer-id");
        assertThat(pauses).isEmpty();
    }

    @Test
    void aRejectedChangeIsTerminalAndSaysWhatDigitalOceanSaid() {
        digitalocean.tag(FakeDigitalOcean.BALANCER, "prod:web");

        CloudApiException e = catchThrowableOfType(CloudApiException.class, () -> balancer.add(3164446));

        assertThat(e.reason()).isEqualTo(Reason.REJECTED);
        assertThat(e.getMessage()).contains("HTTP 422: unprocessable_entity: Droplets cannot be added");
        assertThat(pauses).isEmpty();
    }

    @Test
    void aTokenEchoedInAnErrorIsRedacted() {
        digitalocean.queue(Canned.error(400, "bad_request", "invalid header Authorization: Bearer " + TOKEN));

        CloudApiException e = catchThrowableOfType(CloudApiException.class, () -> balancer.remove(3164444));

        assertThat(e.getMessage()).doesNotContain(TOKEN).contains(Secret.REDACTED);
    }

    @Test
    void anApiThatDoesNotAnswerTimesOutEachTimeAndFailsAsTransient() throws InterruptedException {
        DigitalOceanLoadBalancer impatient = client(digitalocean.api(), API_TOKEN, Duration.ofMillis(200));
        for (int i = 0; i < 4; i++) {
            digitalocean.queue(Canned.noAnswer());
        }

        CloudApiException e = catchThrowableOfType(CloudApiException.class, impatient::read);

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.isTransient()).isTrue();
        // The server records a request when its handler runs, which may come after the client gave up.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (digitalocean.requests().size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(digitalocean.requests()).hasSize(4);
    }

    @Test
    void nobodyListeningIsTransientAndShowsNoToken() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        DigitalOceanLoadBalancer nowhere = client(URI.create("http://127.0.0.1:" + port), API_TOKEN, Duration.ofSeconds(2));

        CloudApiException e = catchThrowableOfType(CloudApiException.class, nowhere::read);

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).doesNotContain(TOKEN);
    }

    @Test
    void anAnswerThatIsNotALoadBalancerIsTerminal() {
        digitalocean.queue(new Canned(200, "<html>captive portal</html>", Map.of(), false));

        CloudApiException e = catchThrowableOfType(CloudApiException.class, balancer::read);

        assertThat(e.reason()).isEqualTo(Reason.UNEXPECTED_ANSWER);
        assertThat(e.isTransient()).isFalse();
    }

    @Test
    void neitherTheClientNorItsTokenShowTheTokenInText() {
        assertThat(balancer.toString()).doesNotContain(TOKEN).contains(FakeDigitalOcean.BALANCER);
        assertThat(balancer.describe()).doesNotContain(TOKEN);
        assertThat(API_TOKEN.toString()).doesNotContain(TOKEN);
    }

    @Test
    void anIdThatIsNotSafeInAPathIsRefused() {
        assertThatThrownBy(() -> new DigitalOceanLoadBalancer(digitalocean.api(), "../droplets", API_TOKEN,
                Duration.ofSeconds(1), RetryPolicy.DEFAULT, pauses::add, CLOCK)).hasMessageContaining("not a DigitalOcean");
    }

    private DigitalOceanLoadBalancer client(URI api, ApiToken token, Duration timeout) {
        return new DigitalOceanLoadBalancer(api, FakeDigitalOcean.BALANCER, token, timeout, RetryPolicy.DEFAULT,
                pauses::add, CLOCK);
    }
}
