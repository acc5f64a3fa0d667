package dev.fleet.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsRecordTest {

    @Test
    void aNameIsLowercaseWithOneTrailingDot() {
        assertThat(DnsRecord.of("WWW.Example.Test", "192.0.2.1", 60).name()).isEqualTo("www.example.test.");
        assertThat(DnsRecord.of("www.example.test.", "192.0.2.1", 60).name()).isEqualTo("www.example.test.");
    }

    @Test
    void theTypeFollowsTheAddressFamily() {
        assertThat(DnsRecord.of("a.test", "192.0.2.1", 60).type()).isEqualTo(DnsRecord.Type.A);
        assertThat(DnsRecord.of("a.test", "2001:db8::1", 60).type()).isEqualTo(DnsRecord.Type.AAAA);
    }

    @Test
    void anAddressOfTheOtherFamilyIsRefused() {
        assertThatThrownBy(() -> new DnsRecord("a.test", DnsRecord.Type.A, "2001:db8::1", 60))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AAAA record");
    }

    @ParameterizedTest
    @CsvSource({
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "::, ::",
            "::1, ::1",
            "fe80::, fe80::",
            "::ffff:192.0.2.1, ::ffff:c000:201",
            "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::",
            "10.0.0.1, 10.0.0.1"})
    void addressesAreWrittenInOneCanonicalForm(String given, String canonical) {
        assertThat(DnsRecord.canonicalAddress(given)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "256.0.0.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "1::2::3",
            "12345::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7", "1.2.3.4::", "g::1", " 1.2.3.4"})
    void whatIsNotAnIpLiteralIsRefusedWithoutALookup(String text) {
        assertThatThrownBy(() -> DnsRecord.canonicalAddress(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "a..b", "-a.test", "a b.test", "a.test..", "é.test"})
    void whatIsNotADnsNameIsRefused(String name) {
        assertThatThrownBy(() -> DnsRecord.canonicalName(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTtlIsAtLeastOneSecond() {
        assertThatThrownBy(() -> DnsRecord.of("a.test", "192.0.2.1", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
