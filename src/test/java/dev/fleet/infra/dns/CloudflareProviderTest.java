package dev.fleet.infra.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.desired.Secret;
import dev.fleet.dns.DnsException.Reason;
import dev.fleet.dns.DnsException;
import dev.fleet.dns.DnsRecord;
import dev.fleet.infra.dns.FakeCloudflare.Canned;
import dev.fleet.infra.http.ApiToken;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloudflareProviderTest {

    private static final String TOKEN = "cf-test-token-Zq81vK3mW0";
    private static final ApiToken API_TOKEN = new ApiToken("FLEET_SECRET_CLOUDFLARE_API_TOKEN", new Secret(TOKEN));
    private static final String NAME = "www.example.test.";

    private final FakeCloudflare cloudflare = new FakeCloudflare(TOKEN);
    private final CloudflareProvider provider = new CloudflareProvider(cloudflare.api(), FakeCloudflare.ZONE, API_TOKEN,
            Duration.ofSeconds(5));

    CloudflareProviderTest() throws IOException {}

    @AfterEach
    void close() {
        cloudflare.close();
    }

    @Test
    void listGivesTheAAndAaaaRecordsOfTheNameOnly() throws Exception {
        cloudflare.put("A", "www.example.test", "192.0.2.1", 60);
        cloudflare.put("AAAA", "www.example.test", "2001:DB8:0:0::1", 120);
        cloudflare.put("TXT", "www.example.test", "\"v=spf1 -all\"", 60);
        cloudflare.put("A", "api.example.test", "192.0.2.9", 60);

        assertThat(provider.list("WWW.example.test")).containsExactlyInAnyOrder(
                DnsRecord.of(NAME, "192.0.2.1", 60), DnsRecord.of(NAME, "2001:db8::1", 120));
        assertThat(cloudflare.requests()).singleElement().satisfies(request -> {
            assertThat(request.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(request.path()).isEqualTo("/client/v4/zones/" + FakeCloudflare.ZONE + "/dns_records");
            assertThat(request.query()).contains("name.exact=www.example.test", "per_page=100", "page=1");
        });
    }

    @Test
    void listReadsEveryPage() throws Exception {
        cloudflare.pageSize = 5;
        for (int i = 1; i <= 12; i++) {
            cloudflare.put("A", "www.example.test", "192.0.2." + i, 60);
        }

        assertThat(provider.list(NAME)).hasSize(12);
        assertThat(cloudflare.requests()).extracting(FakeCloudflare.Request::query)
                .anyMatch(q -> q.contains("page=3")).noneMatch(q -> q.contains("page=4"));
    }

    @Test
    void addCreatesADnsOnlyRecordWithTheDocumentedBody() throws Exception {
        provider.add(DnsRecord.of(NAME, "192.0.2.7", 60));

        assertThat(cloudflare.contents("A")).containsExactly("192.0.2.7");
        JsonNode body = new ObjectMapper().readTree(cloudflare.requests("POST").getFirst().body());
        assertThat(body.path("type").asText()).isEqualTo("A");
        assertThat(body.path("name").asText()).isEqualTo("www.example.test");
        assertThat(body.path("content").asText()).isEqualTo("192.0.2.7");
        assertThat(body.path("ttl").asInt()).isEqualTo(60);
        assertThat(body.path("proxied").isBoolean()).isTrue();
        assertThat(body.path("proxied").asBoolean()).isFalse();
    }

    @Test
    void addingAnAddressAlreadyPublishedSendsNoChange() throws Exception {
        cloudflare.put("AAAA", "www.example.test", "2001:db8::1", 300);

        provider.add(DnsRecord.of(NAME, "2001:0db8::0001", 60));

        assertThat(cloudflare.requests("POST")).isEmpty();
    }

    @Test
    void aCreateThatFindsAnIdenticalRecordIsNoError() throws Exception {
        // Another writer created it between the listing and the create.
        cloudflare.queue(Canned.answer(200, "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":[],"
                + "\"result_info\":{\"page\":1,\"per_page\":100,\"count\":0,\"total_count\":0,\"total_pages\":1}}"));
        cloudflare.put("A", "www.example.test", "192.0.2.7", 60);

        provider.add(DnsRecord.of(NAME, "192.0.2.7", 60));

        assertThat(cloudflare.requests("POST")).hasSize(1);
        assertThat(cloudflare.contents("A")).containsExactly("192.0.2.7");
    }

    @Test
    void removeDeletesTheAddressesRecordByIdAndLeavesTheOthers() throws Exception {
        cloudflare.put("A", "www.example.test", "192.0.2.1", 60);
        cloudflare.put("A", "www.example.test", "192.0.2.2", 60);

        provider.remove(DnsRecord.of(NAME, "192.0.2.1", 60));

        assertThat(cloudflare.contents("A")).containsExactly("192.0.2.2");
        assertThat(cloudflare.requests("DELETE")).singleElement().extracting(FakeCloudflare.Request::path)
                .asString().matches(".*/dns_records/[0-9a-f]{32}");
    }

    @Test
    void removingAnAddressNotPublishedSendsNoChange() throws Exception {
        cloudflare.put("A", "www.example.test", "192.0.2.1", 60);

        provider.remove(DnsRecord.of(NAME, "192.0.2.2", 60));

        assertThat(cloudflare.requests("DELETE")).isEmpty();
        assertThat(cloudflare.contents("A")).containsExactly("192.0.2.1");
    }

    @Test
    void aRecordDeletedSinceItWasListedIsNoError() throws Exception {
        // The listing still shows the record; by the time the DELETE arrives another writer has
        // deleted it, and the API answers as it does for an id it does not have: 404, 81044.
        cloudflare.queue(Canned.answer(200, listingOf("00000000000000000000000000000abc", "192.0.2.1")));

        assertThatCode(() -> provider.remove(DnsRecord.of(NAME, "192.0.2.1", 60))).doesNotThrowAnyException();

        assertThat(cloudflare.requests("DELETE")).singleElement().extracting(FakeCloudflare.Request::path).asString()
                .endsWith("/dns_records/00000000000000000000000000000abc");
        assertThat(provider.list(NAME)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void aRefusedTokenIsTerminalAndNamedByItsVariable(int status) {
        cloudflare.queue(FakeCloudflare.error(status, 10000, "Authentication error"));

        DnsException e = catchThrowableOfType(DnsException.class, () -> provider.list(NAME));

        assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("FLEET_SECRET_CLOUDFLARE_API_TOKEN", "HTTP " + status, "10000 Authentication error")
                .doesNotContain(TOKEN);
    }

    @Test
    void aWrongTokenIsRefusedByTheApiItself() {
        CloudflareProvider wrong = new CloudflareProvider(cloudflare.api(), FakeCloudflare.ZONE,
                new ApiToken("FLEET_SECRET_CLOUDFLARE_API_TOKEN", new Secret("not-the-token")), Duration.ofSeconds(5));

        DnsException e = catchThrowableOfType(DnsException.class, () -> wrong.add(DnsRecord.of(NAME, "192.0.2.1", 60)));

        assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS);
        assertThat(e.getMessage()).doesNotContain("not-the-token");
    }

    @Test
    void anUnknownZoneIsTerminal() {
        CloudflareProvider elsewhere = new CloudflareProvider(cloudflare.api(), "ffffffffffffffffffffffffffffffff",
                API_TOKEN, Duration.ofSeconds(5));

        DnsException e = catchThrowableOfType(DnsException.class, () -> elsewhere.list(NAME));

        assertThat(e.reason()).isEqualTo(Reason.ZONE_UNKNOWN);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("7003", "zone id ffffffffffffffffffffffffffffffff");
    }

    @Test
    void aRejectedRecordIsTerminalAndSaysWhatCloudflareSaid() {
        cloudflare.queue(Canned.answer(200, listingOf()));
        cloudflare.queue(FakeCloudflare.error(400, 9005, "Content for A record is invalid."));

        DnsException e = catchThrowableOfType(DnsException.class, () -> provider.add(DnsRecord.of(NAME, "192.0.2.1", 60)));

        assertThat(e.reason()).isEqualTo(Reason.REJECTED);
        assertThat(e.getMessage()).contains("9005 Content for A record is invalid.");
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503})
    void rateLimitsAndServerErrorsAreTransient(int status) {
        cloudflare.queue(FakeCloudflare.error(status, 971, "Please wait and consider throttling your request speed"));

        DnsException e = catchThrowableOfType(DnsException.class, () -> provider.list(NAME));

        assertThat(e.isTransient()).isTrue();
        assertThat(e.reason()).isEqualTo(status == 429 ? Reason.RATE_LIMITED : Reason.SERVER_ERROR);
        assertThat(e.getMessage()).contains("next round");
    }

    @Test
    void anErrorPageThatIsNotJsonStillCountsByItsStatus() {
        cloudflare.queue(Canned.answer(502, "<html><body>Bad gateway</body></html>"));

        DnsException e = catchThrowableOfType(DnsException.class, () -> provider.list(NAME));

        assertThat(e.reason()).isEqualTo(Reason.SERVER_ERROR);
    }

    @Test
    void anAnswerThatIsNotTheEnvelopeIsTerminal() {
        cloudflare.queue(Canned.answer(200, "<html>captive portal</html>"));

        DnsException e = catchThrowableOfType(DnsException.class, () -> provider.list(NAME));

        assertThat(e.reason()).isEqualTo(Reason.UNEXPECTED_ANSWER);
        assertThat(e.isTransient()).isFalse();
    }

    @Test
    void aProviderThatDoesNotAnswerTimesOutAsATransientFailure() {
        CloudflareProvider impatient = new CloudflareProvider(cloudflare.api(), FakeCloudflare.ZONE, API_TOKEN,
                Duration.ofMillis(300));
        cloudflare.queue(Canned.noAnswer());

        DnsException e = catchThrowableOfType(DnsException.class, () -> impatient.list(NAME));

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.isTransient()).isTrue();
    }

    @Test
    void nobodyListeningIsATransientFailure() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        CloudflareProvider nowhere = new CloudflareProvider(URI.create("http://127.0.0.1:" + port + "/client/v4"),
                FakeCloudflare.ZONE, API_TOKEN, Duration.ofSeconds(2));

        DnsException e = catchThrowableOfType(DnsException.class, () -> nowhere.list(NAME));

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.getMessage()).doesNotContain(TOKEN);
    }

    @Test
    void aRedirectIsNotFollowedSoTheTokenGoesNowhereElse() throws Exception {
        try (FakeCloudflare elsewhere = new FakeCloudflare(TOKEN)) {
            cloudflare.queue(Canned.redirect(URI.create(elsewhere.api() + "/zones/" + FakeCloudflare.ZONE
                    + "/dns_records?name.exact=www.example.test&per_page=100&page=1")));

            DnsException e = catchThrowableOfType(DnsException.class, () -> provider.list(NAME));

            assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.UNEXPECTED_ANSWER);
            assertThat(elsewhere.requests()).isEmpty();
        }
    }

    @Test
    void aTokenEchoedByTheProviderIsRedactedFromTheMessage() {
        cloudflare.queue(FakeCloudflare.error(400, 6003, "Invalid request headers: Bearer " + TOKEN));

        DnsException e = catchThrowableOfType(DnsException.class, () -> provider.list(NAME));

        assertThat(e.getMessage()).doesNotContain(TOKEN).contains(Secret.REDACTED);
    }

    @Test
    void neitherTheTokenNorTheProviderShowTheTokenInText() {
        assertThat(API_TOKEN.toString()).doesNotContain(TOKEN);
        assertThat(provider.toString()).doesNotContain(TOKEN).contains(FakeCloudflare.ZONE);
    }

    @Test
    void aTokenWithALineBreakIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> new ApiToken("FLEET_SECRET_CLOUDFLARE_API_TOKEN", new Secret(TOKEN + "\n")))
                .hasMessageContaining("FLEET_SECRET_CLOUDFLARE_API_TOKEN").hasMessageNotContaining(TOKEN);
    }

    @Test
    void aZoneNameGivenForTheZoneIdIsRefused() {
        assertThatThrownBy(() -> new CloudflareProvider("example.com", API_TOKEN))
                .hasMessageContaining("not the zone's name");
    }

    private static String listingOf(String... idAndAddress) {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < idAndAddress.length; i += 2) {
            result.append(result.isEmpty() ? "" : ",").append("{\"id\":\"").append(idAndAddress[i])
                    .append("\",\"type\":\"A\",\"name\":\"www.example.test\",\"content\":\"").append(idAndAddress[i + 1])
                    .append("\",\"ttl\":60,\"proxied\":false}");
        }
        int count = idAndAddress.length / 2;
        return "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":[" + result + "],\"result_info\":{\"page\":1,"
                + "\"per_page\":100,\"count\":" + count + ",\"total_count\":" + count + ",\"total_pages\":1}}";
    }
}
