package dev.fleet.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rounds of failover through a small in-memory provider: what is checked, decided, changed and told. */
class DnsRoundsTest {

    private static final String NAME = "www.example.test.";
    private final InMemoryProvider dns = new InMemoryProvider();
    private final Map<String, Boolean> healthy = new HashMap<>(Map.of("d1", true, "d2", true, "d3", true));
    private final DnsRounds rounds = new DnsRounds(DnsFailover.withDefaults(NAME, 60), dns,
            (droplet, addresses) -> new HealthCheck.Result(healthy.get(droplet), droplet + " checked"),
            Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));
    private final List<DnsRounds.Target> targets = List.of(new DnsRounds.Target("d1", List.of("192.0.2.1")),
            new DnsRounds.Target("d2", List.of("192.0.2.2")), new DnsRounds.Target("d3", List.of("192.0.2.3")));

    @Test
    void healthyDropletsMissingFromTheNameAreAddedOnTheSecondPassingRound() throws Exception {
        assertThat(rounds.round(targets).made()).isEmpty();

        DnsRounds.Report second = rounds.round(targets);

        assertThat(second.made()).hasSize(3).allMatch(d -> d instanceof DnsDecision.Add);
        assertThat(dns.addresses()).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2", "192.0.2.3");
    }

    @Test
    void aFailingDropletIsRemovedOnItsSecondFailedRoundAndToldOnce() throws Exception {
        rounds.round(targets);
        rounds.round(targets);
        healthy.put("d2", false);

        assertThat(rounds.round(targets).made()).isEmpty();
        DnsRounds.Report removal = rounds.round(targets);

        assertThat(removal.made()).singleElement().isInstanceOf(DnsDecision.Remove.class);
        assertThat(removal.told()).containsExactlyElementsOf(removal.made());
        assertThat(dns.addresses()).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.3");
        assertThat(removal.details()).containsExactly("d1 checked", "d2 checked", "d3 checked");
    }

    @Test
    void aChangeThatFailsStopsTheRoundAndIsDecidedAgainNextRound() throws Exception {
        dns.failAdds = 1;
        rounds.round(targets);

        DnsRounds.Report failed = rounds.round(targets);
        DnsRounds.Report next = rounds.round(targets);

        assertThat(failed.failure()).hasValueSatisfying(f -> assertThat(f).contains("the provider said no"));
        assertThat(failed.made()).isEmpty();
        assertThat(failed.told()).as("a change not made is not told").isEmpty();
        assertThat(next.made()).hasSize(3);
    }

    @Test
    void aProviderThatCannotBeReadChangesNothingAndSaysWhy() throws Exception {
        dns.failLists = true;

        DnsRounds.Report report = rounds.round(targets);

        assertThat(report.decisions()).isEmpty();
        assertThat(report.failure()).hasValueSatisfying(f -> assertThat(f).contains("reading " + NAME));
    }

    /** DNS as a list of records, with failures on demand. */
    private static final class InMemoryProvider implements DnsProvider {
        final List<DnsRecord> records = new ArrayList<>();
        int failAdds;
        boolean failLists;

        List<String> addresses() {
            return records.stream().map(DnsRecord::address).toList();
        }

        @Override
        public List<DnsRecord> list(String name) throws DnsException {
            if (failLists) {
                throw new DnsException(DnsException.Reason.UNREACHABLE, "nothing listens");
            }
            return List.copyOf(records);
        }

        @Override
        public void add(DnsRecord record) throws DnsException {
            if (failAdds-- > 0) {
                throw new DnsException(DnsException.Reason.REJECTED, "the provider said no");
            }
            if (records.stream().noneMatch(r -> r.address().equals(record.address()))) {
                records.add(record);
            }
        }

        @Override
        public void remove(DnsRecord record) {
            records.removeIf(r -> r.address().equals(record.address()));
        }

        @Override
        public String describe() {
            return "memory";
        }
    }
}
