package dev.fleet.infra.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleet.desired.Secret;
import dev.fleet.dns.DnsException.Reason;
import dev.fleet.dns.DnsException;
import dev.fleet.dns.DnsRecord;
import dev.fleet.infra.http.ApiToken;
import dev.fleet.lab.PowerDnsServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PowerDnsProvider} against a real PowerDNS, checking with {@code dig} that what the API
 * says is what DNS serves. Each test works on a name of its own in one shared zone.
 */
class PowerDnsProviderIT {

    private static final String ZONE = "example.test.";

    @TempDir
    static Path dir;

    private static PowerDnsServer pdns;
    private static PowerDnsProvider provider;

    @BeforeAll
    static void start() {
        pdns = PowerDnsServer.start(dir);
        pdns.createZone(ZONE);
        provider = new PowerDnsProvider(pdns.api(), ZONE, key(pdns.apiKey()));
    }

    @AfterAll
    static void stop() {
        if (pdns != null) {
            pdns.close();
        }
    }

    @Test
    void addedAddressesAreListedAndServed() throws Exception {
        provider.add(DnsRecord.of("add.example.test", "192.0.2.1", 60));
        provider.add(DnsRecord.of("add.example.test", "192.0.2.2", 60));

        assertThat(provider.list("add.example.test")).containsExactlyInAnyOrder(
                DnsRecord.of("add.example.test.", "192.0.2.1", 60), DnsRecord.of("add.example.test.", "192.0.2.2", 60));
        assertThat(pdns.dig("add.example.test", "A")).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
    }

    @Test
    void removingAnAddressKeepsTheOthersServed() throws Exception {
        provider.add(DnsRecord.of("remove.example.test", "192.0.2.1", 60));
        provider.add(DnsRecord.of("remove.example.test", "192.0.2.2", 60));
        provider.add(DnsRecord.of("remove.example.test", "192.0.2.3", 60));

        provider.remove(DnsRecord.of("remove.example.test", "192.0.2.2", 60));

        assertThat(provider.list("remove.example.test")).extracting(DnsRecord::address)
                .containsExactlyInAnyOrder("192.0.2.1", "192.0.2.3");
        assertThat(pdns.dig("remove.example.test", "A")).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.3");
    }

    @Test
    void removingTheLastAddressDeletesTheRrset() throws Exception {
        provider.add(DnsRecord.of("last.example.test", "192.0.2.1", 60));

        provider.remove(DnsRecord.of("last.example.test", "192.0.2.1", 60));

        assertThat(provider.list("last.example.test")).isEmpty();
        assertThat(pdns.dig("last.example.test", "A")).isEmpty();
    }

    @Test
    void addingTwiceAndRemovingWhatIsAbsentChangeNothing() throws Exception {
        DnsRecord record = DnsRecord.of("again.example.test", "192.0.2.1", 60);
        provider.add(record);
        String serial = serial();

        provider.add(record);
        provider.remove(DnsRecord.of("again.example.test", "192.0.2.9", 60));
        provider.remove(DnsRecord.of("nothing.example.test", "192.0.2.9", 60));

        assertThat(provider.list("again.example.test")).containsExactly(record);
        assertThat(serial()).as("the zone was not changed").isEqualTo(serial);
    }

    @Test
    void aaaaRecordsLiveAlongsideARecords() throws Exception {
        provider.add(DnsRecord.of("dual.example.test", "192.0.2.1", 60));
        provider.add(DnsRecord.of("dual.example.test", "2001:db8::1", 60));
        provider.add(DnsRecord.of("dual.example.test", "2001:0DB8:0:0::2", 60));

        provider.remove(DnsRecord.of("dual.example.test", "2001:db8::1", 60));

        assertThat(provider.list("dual.example.test")).containsExactlyInAnyOrder(
                DnsRecord.of("dual.example.test", "192.0.2.1", 60), DnsRecord.of("dual.example.test", "2001:db8::2", 60));
        assertThat(pdns.dig("dual.example.test", "AAAA")).containsExactly("2001:db8::2");
        assertThat(pdns.dig("dual.example.test", "A")).containsExactly("192.0.2.1");
    }

    @Test
    void aDisabledRecordIsNotListedAndAddingItsAddressEnablesIt() throws Exception {
        pdns.call(HttpRequest.newBuilder(pdns.api().resolve("/api/v1/servers/localhost/zones/" + ZONE))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("""
                        {"rrsets": [{"name": "disabled.example.test.", "type": "A", "ttl": 60, "changetype": "REPLACE",
                          "records": [{"content": "192.0.2.1", "disabled": false},
                                      {"content": "192.0.2.2", "disabled": true}]}]}""")));
        assertThat(provider.list("disabled.example.test")).extracting(DnsRecord::address).containsExactly("192.0.2.1");

        provider.add(DnsRecord.of("disabled.example.test", "192.0.2.2", 60));

        assertThat(pdns.dig("disabled.example.test", "A")).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
    }

    @Test
    void aWrongApiKeyIsTerminalAndNamedByItsVariable() {
        PowerDnsProvider wrong = new PowerDnsProvider(pdns.api(), ZONE, key("wrong-key-4f1c"));

        DnsException e = catchThrowableOfType(DnsException.class, () -> wrong.list("www.example.test"));

        assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("FLEET_SECRET_PDNS_API_KEY", "HTTP 401").doesNotContain("wrong-key-4f1c");
    }

    @Test
    void anUnknownZoneIsTerminal() {
        PowerDnsProvider elsewhere = new PowerDnsProvider(pdns.api(), "nowhere.test.", key(pdns.apiKey()));

        DnsException e = catchThrowableOfType(DnsException.class, () -> elsewhere.list("www.nowhere.test"));

        assertThat(e.reason()).isEqualTo(Reason.ZONE_UNKNOWN);
        assertThat(e.getMessage()).contains("pdnsutil create-zone nowhere.test.").doesNotContain(pdns.apiKey());
    }

    @Test
    void aRecordPowerDnsRejectsIsTerminalWithItsReason() {
        // A name outside the zone is refused before any request; one PowerDNS refuses is a CNAME clash.
        pdns.call(HttpRequest.newBuilder(pdns.api().resolve("/api/v1/servers/localhost/zones/" + ZONE))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("""
                        {"rrsets": [{"name": "alias.example.test.", "type": "CNAME", "ttl": 60, "changetype": "REPLACE",
                          "records": [{"content": "add.example.test.", "disabled": false}]}]}""")));

        DnsException e = catchThrowableOfType(DnsException.class,
                () -> provider.add(DnsRecord.of("alias.example.test", "192.0.2.1", 60)));

        assertThat(e.reason()).isEqualTo(Reason.REJECTED);
        assertThat(e.getMessage()).contains("HTTP 422", "Conflicts with pre-existing RRset");
        assertThat(catchThrowableOfType(DnsException.class,
                () -> provider.list("www.other.test")).reason()).isEqualTo(Reason.REJECTED);
    }

    @Test
    void aServerThatIsGoneIsATransientFailure() throws Exception {
        try (PowerDnsServer gone = PowerDnsServer.start(dir.resolve("gone"))) {
            PowerDnsProvider stale = new PowerDnsProvider(gone.api(), PowerDnsProvider.DEFAULT_SERVER, ZONE,
                    key(gone.apiKey()), Duration.ofSeconds(2));
            gone.close();

            DnsException e = catchThrowableOfType(DnsException.class, () -> stale.list("www.example.test"));

            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).doesNotContain(gone.apiKey());
        }
    }

    private static String serial() {
        String body = pdns.call(HttpRequest.newBuilder(pdns.api().resolve("/api/v1/servers/localhost/zones/" + ZONE))
                .GET()).body();
        return body.replaceAll("(?s).*\"serial\": *([0-9]+).*", "$1");
    }

    private static ApiToken key(String value) {
        return new ApiToken("FLEET_SECRET_PDNS_API_KEY", new Secret(value));
    }
}
