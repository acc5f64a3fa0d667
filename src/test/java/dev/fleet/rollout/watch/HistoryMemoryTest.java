package dev.fleet.rollout.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.Revision;
import dev.fleet.desired.load.StateFixture;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.Health;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.LockException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the watch reads the fleet's history again, and what it keeps when it cannot. */
class HistoryMemoryTest {

    private static final String V1 = "sha256:" + "a1".repeat(32);
    private static final String V2 = "sha256:" + "b2".repeat(32);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private DesiredState state;
    private final List<HistoryEntry> ledger = new ArrayList<>();
    private final List<Integer> reads = new ArrayList<>();
    private String failure;
    private final HistoryMemory memory = new HistoryMemory((state, limit) -> {
        reads.add(limit);
        if (failure != null) {
            throw new LockException(failure, null);
        }
        return List.copyOf(ledger);
    });

    @BeforeEach
    void load() throws Exception {
        StateFixture fixture = new StateFixture(dir);
        state = fixture.loader().load(fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml"));
    }

    @Test
    void theFirstRoundReadsTheLastAppliesNewestFirstAndQuietRoundsDoNotReadAgain() {
        ledger.add(apply("run-1", 0));
        ledger.add(new HistoryEntry.LeaseBroken(NOW.minusSeconds(500), "bob", "run=run-x"));
        ledger.add(apply("run-2", 100));

        RecentApplies first = memory.afterRound(state, drift(V1, V1), false, NOW);
        memory.afterRound(state, drift(V1, V1), false, NOW.plusSeconds(30));
        memory.afterRound(state, drift(V1, V1), false, NOW.plusSeconds(60));

        assertThat(reads).containsExactly(HistoryMemory.LIMIT);
        assertThat(first.newestFirst()).extracting(ApplyRecord::run).containsExactly("run-2", "run-1");
        assertThat(first.read()).contains(NOW);
    }

    @Test
    void aRoundThatAppliedReadsAgain() {
        memory.afterRound(state, drift(V1, V1), false, NOW);
        ledger.add(apply("run-1", 0));

        RecentApplies after = memory.afterRound(state, drift(V1, V1), true, NOW.plusSeconds(30));

        assertThat(reads).hasSize(2);
        assertThat(after.newestFirst()).extracting(ApplyRecord::run).containsExactly("run-1");
    }

    @Test
    void onceADropletRunsAnotherDigestEachRoundReadsAgainUntilTheApplyThatChangedItIsRecorded() {
        memory.afterRound(state, drift(V1, V1), false, NOW);
        memory.afterRound(state, drift(V1, null), false, NOW.plusSeconds(30));
        memory.afterRound(state, drift(V1, V1), false, NOW.plusSeconds(60));
        assertThat(reads).as("a droplet unreachable, then back on the same digest").hasSize(1);

        // Someone applies by hand: droplet-1, then droplet-2; the apply is recorded when it ends.
        memory.afterRound(state, drift(V2, V1), false, NOW.plusSeconds(90));
        memory.afterRound(state, drift(V2, V2), false, NOW.plusSeconds(120));
        ledger.add(apply("run-by-hand", 0));
        RecentApplies after = memory.afterRound(state, drift(V2, V2), false, NOW.plusSeconds(150));
        memory.afterRound(state, drift(V2, V2), false, NOW.plusSeconds(180));

        assertThat(reads).as("the first round, then each round until the apply was read").hasSize(4);
        assertThat(after.newestFirst()).extracting(ApplyRecord::run).containsExactly("run-by-hand");
    }

    @Test
    void aDigestChangedByNoApplyIsLookedForAtMostFifteenMinutes() {
        memory.afterRound(state, drift(V1, V1), false, NOW);
        memory.afterRound(state, drift(V2, V1), false, NOW.plusSeconds(30));
        memory.afterRound(state, drift(V2, V1), false, NOW.plusSeconds(30).plus(HistoryMemory.AWAIT_APPLY)
                .minusSeconds(1));
        memory.afterRound(state, drift(V2, V1), false, NOW.plusSeconds(30).plus(HistoryMemory.AWAIT_APPLY));
        memory.afterRound(state, drift(V2, V1), false, NOW.plusSeconds(60).plus(HistoryMemory.AWAIT_APPLY));

        assertThat(reads).hasSize(3);
    }

    @Test
    void aFailedReadKeepsWhatWasReadSaysWhyAndIsTriedAgainAMinuteLater() {
        ledger.add(apply("run-1", 0));
        memory.afterRound(state, drift(V1, V1), false, NOW);
        failure = "no droplet's history could be read";

        RecentApplies failed = memory.afterRound(state, drift(V1, V1), true, NOW.plusSeconds(10));
        memory.afterRound(state, drift(V1, V1), false, NOW.plusSeconds(40));
        failure = null;
        RecentApplies again = memory.afterRound(state, drift(V1, V1), false, NOW.plusSeconds(70));

        assertThat(failed.newestFirst()).extracting(ApplyRecord::run).containsExactly("run-1");
        assertThat(failed.problem()).contains("no droplet's history could be read");
        assertThat(failed.read()).contains(NOW);
        assertThat(reads).as("first, after the apply, and a minute after the failure").hasSize(3);
        assertThat(again.problem()).isEmpty();
        assertThat(again.read()).contains(NOW.plusSeconds(70));
    }

    @Test
    void aReaderThatThrowsSomethingElseDoesNotEndTheRound() {
        HistoryMemory broken = new HistoryMemory((state, limit) -> {
            throw new IllegalStateException("a bug");
        });

        RecentApplies applies = broken.afterRound(state, drift(V1, V1), false, NOW);

        assertThat(applies.problem()).contains("a bug");
        assertThat(applies.newestFirst()).isEmpty();
    }

    private static HistoryEntry apply(String run, long secondsAfter) {
        return new HistoryEntry.Apply(new ApplyRecord(run, "alice", "0123456789ab", NOW.minusSeconds(1000 - secondsAfter),
                Duration.ofSeconds(20), "converged", List.of(), Optional.empty()));
    }

    /** Two droplets running these digests; null for one not reached. */
    private static DriftReport drift(String first, String second) {
        return new DriftReport(Path.of("/clone/fleet.yaml"), new Revision(Optional.empty(), false), "demo", NOW,
                List.of(droplet("droplet-1", first), droplet("droplet-2", second)), Optional.empty());
    }

    private static DropletDrift droplet(String name, String running) {
        DropletStatus status = running == null ? DropletStatus.UNREACHABLE
                : running.equals(V1) ? DropletStatus.IN_SYNC : DropletStatus.IMAGE_DRIFT;
        return new DropletDrift(name, status, V1, Optional.ofNullable(running), Health.HEALTHY, Optional.empty(),
                Optional.empty(), "a reason", List.of());
    }
}
