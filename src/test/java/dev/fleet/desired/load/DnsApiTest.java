package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.DnsSpec;
import dev.fleet.desired.StateProblem;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where fleet sends its DNS calls, and so the token: Cloudflare's own API, or the one
 * {@code FLEET_CLOUDFLARE_API} or {@code FLEET_POWERDNS_API} in fleet's environment names; never
 * one the state names.
 */
class DnsApiTest {

    private static final String STATE = """
            service:
              name: demo
              image: registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
              ports: ["80:80"]
            droplets:
              - name: droplet-1
                host: 10.0.0.1
                addresses: [203.0.113.10]
            ssh:
              user: deploy
              identity-file: id_ed25519
              known-hosts: known_hosts
            balancer:
              kind: haproxy
              socket: haproxy.sock
              backend: droplets
            dns:
              provider: cloudflare
              name: www.example.com
              zone-id: 023e105f4ecef8ad9ca31a8372d0c353
              api-token-from-env: FLEET_SECRET_API_TOKEN
            """;

    private static final String POWERDNS = STATE.replace("provider: cloudflare", "provider: powerdns")
            .replace("  zone-id: 023e105f4ecef8ad9ca31a8372d0c353", "  zone: example.com");

    @TempDir
    Path dir;

    private StateFixture fixture;

    @BeforeEach
    void prepare() {
        fixture = new StateFixture(dir);
    }

    @Test
    void withoutTheVariableItIsCloudflaresOwnApi() throws Exception {
        assertThat(api(STATE)).isEqualTo(URI.create("https://api.cloudflare.com/client/v4"));
    }

    @Test
    void anEmptyVariableCountsAsUnset() throws Exception {
        fixture.env.put("FLEET_CLOUDFLARE_API", " ");

        assertThat(api(STATE)).isEqualTo(URI.create("https://api.cloudflare.com/client/v4"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://cloudflare-egress.example.net/client/v4", "http://127.0.0.1:8443/client/v4",
        "http://127.0.0.2:80", "http://[::1]:9000/client/v4", "http://localhost:8080/client/v4",
        "https://10.0.0.5/client/v4"})
    void theVariableNamesAnotherApiHttpsOrPlainHttpToLoopback(String url) throws Exception {
        fixture.env.put("FLEET_CLOUDFLARE_API", url);

        assertThat(api(STATE)).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://10.0.0.5:8080/client/v4      | is plain http to another machine",
        "http://api.cloudflare.com/client/v4 | is plain http to another machine",
        "http://127.0.0.1.example.net/       | is plain http to another machine",
        "ftp://127.0.0.1/client/v4           | is not an http or https URL",
        "api.cloudflare.com/client/v4        | is not an http or https URL",
        "https://exa mple.net/               | is not a URL",
        "https://example.net/v4?token=x      | has a user, a query or a fragment",
        "https://example.net/v4#x            | has a user, a query or a fragment"})
    void anythingElseIsRefusedAtTheProviderNamingTheVariable(String url, String why) {
        fixture.env.put("FLEET_CLOUDFLARE_API", url);

        StateProblem problem = fixture.single(STATE);

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("18:13");
        assertThat(problem.message()).startsWith("dns.provider: FLEET_CLOUDFLARE_API in fleet's environment (\""
                + url + "\") " + why);
        assertThat(problem.toString()).contains("unset it to call https://api.cloudflare.com/client/v4");
    }

    @Test
    void aUserPartIsRefusedWithoutBeingQuotedBack() {
        fixture.env.put("FLEET_CLOUDFLARE_API", "https://user:pa55word@example.net/client/v4");

        StateProblem problem = fixture.single(STATE);

        assertThat(problem.message()).isEqualTo("dns.provider: FLEET_CLOUDFLARE_API in fleet's environment has a"
                + " user, a query or a fragment: it is the API's base URL only");
        assertThat(problem.toString()).doesNotContain("pa55word");
    }

    @Test
    void theStateCannotNameTheApiWhereTheTokenGoes() {
        fixture.env.put("FLEET_CLOUDFLARE_API", "http://127.0.0.1:8443/client/v4");
        String state = STATE.replace("  zone-id:", "  api: https://collector.example.net/client/v4\n  zone-id:");

        StateProblem problem = fixture.single(state);

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("20:3");
        assertThat(problem.message()).startsWith("dns.api: is not the state's to say");
        assertThat(problem.toString()).contains("FLEET_CLOUDFLARE_API");
    }

    @Test
    void powerDnsTakesItsApiFromItsOwnVariableAndIgnoresCloudflares() throws Exception {
        fixture.env.put("FLEET_CLOUDFLARE_API", "http://10.0.0.5/not-used");
        fixture.env.put("FLEET_POWERDNS_API", "http://127.0.0.1:8081");

        assertThat(api(POWERDNS)).isEqualTo(URI.create("http://127.0.0.1:8081"));
    }

    @Test
    void theStateCannotNameThePowerDnsApiWhereTheKeyGoes() {
        fixture.env.put("FLEET_POWERDNS_API", "http://127.0.0.1:8081");
        String state = POWERDNS.replace("  zone:", "  api: https://collector.example.net\n  zone:");

        StateProblem problem = fixture.single(state);

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("20:3");
        assertThat(problem.message()).startsWith("dns.api: is not the state's to say");
        assertThat(problem.toString()).contains("set FLEET_POWERDNS_API in fleet's environment");
    }

    @Test
    void powerDnsWithoutItsVariableIsRefusedAtTheProvider() {
        fixture.env.remove("FLEET_POWERDNS_API");

        StateProblem problem = fixture.single(POWERDNS);

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("18:13");
        assertThat(problem.message()).startsWith("dns.provider: needs FLEET_POWERDNS_API in fleet's environment");
    }

    @Test
    void powerDnsOverPlainHttpToAnotherMachineIsRefused() {
        fixture.env.put("FLEET_POWERDNS_API", "http://10.0.0.5:8081");

        StateProblem problem = fixture.single(POWERDNS);

        assertThat(problem.message()).startsWith("dns.provider: FLEET_POWERDNS_API in fleet's environment"
                + " (\"http://10.0.0.5:8081\") is plain http to another machine");
    }

    private URI api(String state) throws Exception {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), state);
        DnsSpec dns = fixture.loader().load(file).dns().orElseThrow();
        return dns.api();
    }
}
