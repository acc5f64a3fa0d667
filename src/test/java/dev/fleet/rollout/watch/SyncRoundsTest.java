package dev.fleet.rollout.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.Revision;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.Health;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rounds the page plots: what each counts, and no more than the capacity however long the watch runs. */
class SyncRoundsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void aRoundCountsDropletsInSyncObservedAndInAll() {
        SyncRounds rounds = SyncRounds.NONE.with(NOW, drift(DropletStatus.IN_SYNC, DropletStatus.UNREACHABLE,
                DropletStatus.IMAGE_DRIFT));

        assertThat(rounds.samples()).containsExactly(new SyncRounds.Sample(NOW, 1, 2, 3));
    }

    @Test
    void pastTheCapacityTheOldestRoundsGo() {
        SyncRounds rounds = SyncRounds.NONE;
        for (int i = 0; i < SyncRounds.CAPACITY + 250; i++) {
            rounds = rounds.with(NOW.plusSeconds(i), drift(DropletStatus.IN_SYNC));
        }

        assertThat(rounds.samples()).hasSize(SyncRounds.CAPACITY);
        assertThat(rounds.samples().getFirst().at()).isEqualTo(NOW.plusSeconds(250));
        assertThat(rounds.samples().getLast().at()).isEqualTo(NOW.plusSeconds(SyncRounds.CAPACITY + 249));
    }

    private static DriftReport drift(DropletStatus... statuses) {
        List<DropletDrift> droplets = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            droplets.add(new DropletDrift("droplet-" + i, statuses[i], "sha256:a", Optional.empty(), Health.HEALTHY,
                    Optional.empty(), Optional.empty(), "a reason", List.of()));
        }
        return new DriftReport(Path.of("fleet.yaml"), new Revision(Optional.empty(), false), "demo", NOW, droplets,
                Optional.empty());
    }
}
