package dev.fleet.rollout.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuorumLedgerTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(120);

    /**
     * The droplets, shared by every runner, as the lab's droplets are. Synchronized: QuorumLedger.open
     * opens the members from parallel threads, and an unsynchronized map could lose or mix up entries.
     */
    private final Map<String, MemoryLedger> droplets = Collections.synchronizedMap(new LinkedHashMap<>());

    private QuorumLedger open(String... names) throws LockException {
        return QuorumLedger.open(List.of(names), "~/.fleet/demo", name -> {
            MemoryLedger droplet = droplets.computeIfAbsent(name, MemoryLedger::new);
            if (droplet.down) {
                throw new LockException(name + " is unreachable (TIMEOUT)", null);
            }
            return droplet;
        });
    }

    private Acquisition acquire(QuorumLedger ledger, String run) throws LockException {
        return ledger.acquire(run, "tester@host", "abc123", TTL, Optional.empty(), Optional.empty());
    }

    private void down(String... names) {
        for (String name : names) {
            droplets.computeIfAbsent(name, MemoryLedger::new).down = true;
        }
    }

    @Test
    void twoRunnersWhoseStatesListTheDropletsInAnotherOrderNeverBothHoldTheLease() throws LockException {
        QuorumLedger watch = open("droplet-3", "droplet-1", "droplet-2");
        QuorumLedger ci = open("droplet-1", "droplet-2", "droplet-3");

        assertThat(acquire(watch, "watch")).isInstanceOf(Acquisition.Acquired.class);
        Acquisition second = acquire(ci, "ci");

        assertThat(second).isInstanceOfSatisfying(Acquisition.Held.class,
                held -> assertThat(held.holder().run()).isEqualTo("watch"));
        assertThat(droplets.values()).allSatisfy(d -> assertThat(d.lease).map(Lease::run).contains("watch"));
    }

    @Test
    void aStateThatReplacesAMinorityOfTheDropletsStillMeetsTheHolder() throws LockException {
        acquire(open("droplet-1", "droplet-2", "droplet-3"), "old-commit");

        assertThat(acquire(open("droplet-2", "droplet-3", "droplet-4"), "new-commit"))
                .isInstanceOf(Acquisition.Held.class);
        assertThat(droplets.get("droplet-4").lease).isEmpty();
    }

    @Test
    void theLeaseIsTakenWhileTheFirstDropletIsDown() throws LockException {
        down("droplet-1");
        QuorumLedger ledger = open("droplet-1", "droplet-2", "droplet-3");

        assertThat(acquire(ledger, "run-1")).isInstanceOf(Acquisition.Acquired.class);
        assertThat(droplets.get("droplet-2").lease).map(Lease::run).contains("run-1");
        assertThat(droplets.get("droplet-3").lease).map(Lease::run).contains("run-1");
    }

    @Test
    void withoutAMajorityNothingIsTakenAndTheErrorNamesWhatDidNotAnswer() throws LockException {
        down("droplet-1", "droplet-2");
        QuorumLedger ledger = open("droplet-1", "droplet-2", "droplet-3");

        assertThatThrownBy(() -> acquire(ledger, "run-1")).isInstanceOf(LockException.class)
                .hasMessageContaining("majority of the state's 3 droplets (2)")
                .hasMessageContaining("droplet-1 is unreachable").hasMessageContaining("droplet-2 is unreachable");
        assertThat(droplets.get("droplet-3").lease).isEmpty();
    }

    @Test
    void noDropletAnsweringIsALockErrorAtOpening() {
        down("droplet-1", "droplet-2");

        assertThatThrownBy(() -> open("droplet-1", "droplet-2")).isInstanceOf(LockException.class)
                .hasMessageContaining("none of them answered");
    }

    @Test
    void aDropletLeasedToAnotherRunEndsTheAttemptAndWhatWasTakenIsGivenBack() throws LockException {
        droplets.computeIfAbsent("droplet-3", MemoryLedger::new).lease =
                Optional.of(new Lease("other", "someone@else", "def456", NOW, NOW.plus(TTL), Optional.empty()));
        QuorumLedger ledger = open("droplet-1", "droplet-2", "droplet-3");

        assertThat(acquire(ledger, "run-1")).isInstanceOfSatisfying(Acquisition.Held.class,
                held -> assertThat(held.holder().run()).isEqualTo("other"));
        assertThat(droplets.get("droplet-1").lease).isEmpty();
        assertThat(droplets.get("droplet-2").lease).isEmpty();
    }

    @Test
    void renewingOnFewerThanAMajorityIsAnErrorNotASuccess() throws LockException {
        QuorumLedger ledger = open("droplet-1", "droplet-2", "droplet-3");
        acquire(ledger, "run-1");
        droplets.get("droplet-1").renewFails = true;

        assertThat(ledger.renew("run-1", TTL)).isTrue();

        droplets.get("droplet-2").renewFails = true;
        assertThatThrownBy(() -> ledger.renew("run-1", TTL)).isInstanceOf(LockException.class)
                .hasMessageContaining("renewed on 1 of the state's 3 droplets");
    }

    @Test
    void theLeaseIsLostWhenOneDropletSaysItIsNoLongerOurs() throws LockException {
        QuorumLedger ledger = open("droplet-1", "droplet-2", "droplet-3");
        acquire(ledger, "run-1");
        droplets.get("droplet-2").lease = Optional.empty();

        assertThat(ledger.renew("run-1", TTL)).isFalse();
    }

    @Test
    void historyIsKeptOnEveryDropletThatAnswersAndReadBackOncePerApply() throws LockException {
        down("droplet-3");
        QuorumLedger first = open("droplet-1", "droplet-2", "droplet-3");
        first.append(record("run-1", NOW));
        droplets.get("droplet-3").down = false;
        droplets.get("droplet-1").down = true;
        QuorumLedger second = open("droplet-1", "droplet-2", "droplet-3");
        second.append(record("run-2", NOW.plusSeconds(60)));

        droplets.get("droplet-1").down = false;
        droplets.get("droplet-2").down = true;
        List<HistoryEntry> history = open("droplet-1", "droplet-2", "droplet-3").recent(10);

        assertThat(history).extracting(e -> ((HistoryEntry.Apply) e).record().run()).containsExactly("run-1", "run-2");
    }

    @Test
    void aLeaseBrokenOnEveryDropletIsOneEntryOfTheHistory() throws LockException {
        QuorumLedger ledger = open("droplet-1", "droplet-2", "droplet-3");
        acquire(ledger, "run-1");

        assertThat(ledger.breakLease("admin@laptop")).isPresent();

        assertThat(ledger.recent(10)).hasSize(1).first().isInstanceOf(HistoryEntry.LeaseBroken.class);
        assertThat(droplets.values()).allSatisfy(d -> assertThat(d.lease).isEmpty());
    }

    private static ApplyRecord record(String run, Instant started) {
        return new ApplyRecord(run, "tester@host", "abc123", started, Duration.ofSeconds(3), "converged", List.of(),
                Optional.empty());
    }

    /** One droplet's lease and history, with the droplet script's rules. */
    private static final class MemoryLedger implements Ledger {

        private final String name;
        Optional<Lease> lease = Optional.empty();
        final List<HistoryEntry> history = new ArrayList<>();
        boolean down;
        boolean renewFails;

        MemoryLedger(String name) {
            this.name = name;
        }

        @Override
        public String where() {
            return name;
        }

        @Override
        public Acquisition acquire(String run, String owner, String commit, Duration ttl, Optional<String> process,
                Optional<String> goneRun) {
            if (lease.isPresent() && !lease.get().expiredAt(NOW) && !lease.get().run().equals(run)
                    && !goneRun.equals(Optional.of(lease.get().run()))) {
                return new Acquisition.Held(lease.get(), NOW);
            }
            Optional<Lease> previous = lease.filter(l -> !l.run().equals(run));
            lease = Optional.of(new Lease(run, owner, commit, NOW, NOW.plus(ttl), process));
            return new Acquisition.Acquired(lease.get(), previous, Optional.empty());
        }

        @Override
        public boolean renew(String run, Duration ttl) throws LockException {
            if (renewFails) {
                throw new LockException(name + " did not answer", null);
            }
            return lease.map(l -> l.run().equals(run)).orElse(false);
        }

        @Override
        public void release(String run) {
            if (lease.map(l -> l.run().equals(run)).orElse(false)) {
                lease = Optional.empty();
            }
        }

        @Override
        public Optional<BrokenLease> breakLease(String by) {
            Optional<BrokenLease> broken = lease.map(BrokenLease.Held::new);
            lease.ifPresent(l -> history.add(new HistoryEntry.LeaseBroken(NOW, by, "run=" + l.run() + " owner=x")));
            lease = Optional.empty();
            return broken;
        }

        @Override
        public void append(ApplyRecord record) {
            history.add(new HistoryEntry.Apply(record));
        }

        @Override
        public List<HistoryEntry> recent(int limit) {
            return List.copyOf(history);
        }

        @Override
        public void close() {}
    }
}
