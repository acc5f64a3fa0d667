package dev.fleet.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rounds of failover through a small in-memory provider: what is checked, decided, changed and told. */
class DnsRoundsTest {

    private static final String NAME = "www.example.test.";
    private static final Duration CHECK_DEADLINE = Duration.ofMillis(300);
    private final InMemoryProvider dns = new InMemoryProvider();
    private final Map<String, Boolean> healthy = new HashMap<>(Map.of("d1", true, "d2", true, "d3", true));
    /** Droplets whose check never ends, as one stuck on a socket that ignores interrupts. */
    private final Set<String> hung = ConcurrentHashMap.newKeySet();
    private final CountDownLatch unhang = new CountDownLatch(1);
    private final DnsRounds rounds = new DnsRounds(DnsFailover.withDefaults(NAME, 60), dns, this::check, CHECK_DEADLINE,
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
    void aRoundSaysWhichRecordsTheNamePublishesOnceItsChangesAreMade() throws Exception {
        DnsRounds.Report first = rounds.round(targets);
        DnsRounds.Report second = rounds.round(targets);
        healthy.put("d2", false);
        rounds.round(targets);
        DnsRounds.Report removal = rounds.round(targets);

        assertThat(first.publishedAfter()).isEmpty();
        assertThat(second.published()).isEmpty();
        assertThat(second.publishedAfter()).extracting(DnsRecord::address)
                .containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2", "192.0.2.3");
        assertThat(removal.published()).hasSize(3);
        assertThat(removal.publishedAfter()).extracting(DnsRecord::address)
                .containsExactlyInAnyOrderElementsOf(dns.addresses());
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

    @Test
    void aCheckThatNeverEndsCountsAsFailedAtTheDeadlineAndTheRoundGoesOn() {
        hung.add("d2");

        DnsRounds.Report report = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rounds.round(targets));

        assertThat(report.checks()).extracting(DropletCheck::passed).containsExactly(true, false, true);
        assertThat(report.details()).containsExactly("d1 checked",
                "the check did not end within 300ms; counted as failed", "d3 checked");
    }

    @Test
    void roundsKeepComingWhileADropletsCheckHangsAndTheOthersArePublished() {
        hung.add("d2");

        List<DnsRounds.Report> reports = assertTimeoutPreemptively(Duration.ofSeconds(4), () -> {
            List<DnsRounds.Report> done = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                done.add(rounds.round(targets));
            }
            return done;
        });

        assertThat(reports).hasSize(4);
        assertThat(dns.addresses()).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.3");
    }

    @AfterEach
    void freeHungChecks() {
        unhang.countDown();
    }

    private HealthCheck.Result check(String droplet, List<String> addresses) {
        if (hung.contains(droplet)) {
            while (unhang.getCount() > 0) {
                try {
                    unhang.await();
                } catch (InterruptedException e) {
                    // a socket read blocked in the kernel does not hear interrupts either
                }
            }
        }
        return new HealthCheck.Result(healthy.get(droplet), droplet + " checked");
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
