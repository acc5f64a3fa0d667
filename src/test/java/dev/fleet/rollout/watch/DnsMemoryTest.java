package dev.fleet.rollout.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateFixture;
import dev.fleet.dns.DnsDecision;
import dev.fleet.dns.DnsRecord;
import dev.fleet.dns.DnsRounds;
import dev.fleet.dns.DropletCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the watch remembers of its DNS rounds for the page, while the log still hears every one. */
class DnsMemoryTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private final List<String> heard = new ArrayList<>();
    private final DnsMemory memory = new DnsMemory(new DnsWatch.Listener() {
        @Override
        public void round(long number, DnsRounds.Report report) {
            heard.add("round " + number);
        }

        @Override
        public void told(DnsRounds.Report report, DnsDecision decision) {
            heard.add(decision.kind());
        }

        @Override
        public void failed(DnsRounds.Report report, String failure) {
            heard.add("failed");
        }
    });

    @Test
    void theViewHoldsTheDnsSectionTheLastRoundsRecordsAndChecksAndTheLastChangesNewestFirst() throws Exception {
        DnsRecord one = DnsRecord.of("www.example.com", "203.0.113.10", 60);
        DnsRecord two = DnsRecord.of("www.example.com", "203.0.113.11", 60);
        DnsDecision.Remove removal = new DnsDecision.Remove("droplet-2", two, "failed 2 checks in a row");
        DnsRounds.Report report = new DnsRounds.Report(NOW, List.of(DropletCheck.passed("droplet-1", "203.0.113.10"),
                new DropletCheck("droplet-2", List.of("203.0.113.11"), false)), List.of("200", "refused"),
                List.of(one, two), List.of(removal), List.of(removal), Optional.empty());

        for (int i = 1; i <= DnsMemory.TOLD + 3; i++) {
            memory.round(i, report);
            memory.told(report, removal);
        }
        DnsView view = memory.view(Optional.of(dnsState())).orElseThrow();

        assertThat(view.name()).isEqualTo("www.example.com.");
        assertThat(view.provider()).isEqualTo("powerdns");
        assertThat(view.last().orElseThrow().number()).isEqualTo(DnsMemory.TOLD + 3);
        assertThat(view.last().orElseThrow().published()).containsExactly("www.example.com. 60 A 203.0.113.10");
        assertThat(view.last().orElseThrow().checks()).extracting(DnsView.Check::detail).containsExactly("200", "refused");
        assertThat(view.told()).hasSize(DnsMemory.TOLD).allMatch(t -> t.kind().equals("dns_removed"));
        assertThat(heard).hasSize(2 * (DnsMemory.TOLD + 3)).startsWith("round 1", "dns_removed");
    }

    @Test
    void aStateWithoutADnsSectionHasNoDnsView() throws Exception {
        StateFixture fixture = new StateFixture(dir);
        DesiredState plain = fixture.loader().load(fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml"));

        assertThat(memory.view(Optional.of(plain))).isEmpty();
        assertThat(memory.view(Optional.empty())).isEmpty();
    }

    private DesiredState dnsState() throws Exception {
        StateFixture fixture = new StateFixture(dir);
        String state = Files.readString(StateFixture.resource("valid/minimal.yaml"))
                .replace("    host: 10.0.0.1\n", "    host: 10.0.0.1\n    addresses: [203.0.113.10]\n")
                .replace("    host: 10.0.0.2\n", "    host: 10.0.0.2\n    addresses: [203.0.113.11]\n")
                + "dns:\n  provider: powerdns\n  name: www.example.com\n  zone: example.com\n"
                + "  api-token-from-env: FLEET_SECRET_API_TOKEN\n";
        DesiredState loaded = fixture.loader().load(fixture.write("fleet.yaml", state));
        assertThat(loaded.dns().orElseThrow().interval()).isPositive();
        return loaded;
    }
}
