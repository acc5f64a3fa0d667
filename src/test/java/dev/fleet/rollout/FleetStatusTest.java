package dev.fleet.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetStatusTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aDropletsLastApplyIsTheNewestThatDidNotSkipIt() {
        HistoryEntry first = apply("run-1", T0, new ApplyRecord.DropletRecord("web-1", "", "sha256:a", "converged", List.of()),
                new ApplyRecord.DropletRecord("web-2", "", "sha256:a", "converged", List.of()));
        HistoryEntry second = apply("run-2", T0.plusSeconds(60),
                new ApplyRecord.DropletRecord("web-1", "sha256:a", "sha256:b", "rolled-back", List.of()),
                new ApplyRecord.DropletRecord("web-2", "sha256:a", "sha256:b", "skipped", List.of()));
        HistoryEntry broken = new HistoryEntry.LeaseBroken(T0.plusSeconds(90), "ops", "run-3");

        List<HistoryEntry> history = List.of(first, second, broken);

        assertThat(FleetStatus.lastApply("web-1", history)).get()
                .satisfies(last -> assertThat(last.apply().run()).isEqualTo("run-2"))
                .satisfies(last -> assertThat(last.droplet().result()).isEqualTo("rolled-back"));
        assertThat(FleetStatus.lastApply("web-2", history)).get()
                .satisfies(last -> assertThat(last.apply().run()).isEqualTo("run-1"));
        assertThat(FleetStatus.lastApply("web-3", history)).isEmpty();
        assertThat(FleetStatus.lastApply("web-1", List.of())).isEmpty();
    }

    private static HistoryEntry apply(String run, Instant started, ApplyRecord.DropletRecord... droplets) {
        return new HistoryEntry.Apply(new ApplyRecord(run, "ops", "abc123", started, Duration.ofSeconds(9), "converged",
                List.of(droplets), Optional.empty()));
    }
}
