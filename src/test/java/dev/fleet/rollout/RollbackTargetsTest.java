package dev.fleet.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.load.ImagePins;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollbackTargetsTest {

    private static final List<String> DROPLETS = List.of("droplet-1", "droplet-2");

    private static ImagePins service(String image) {
        return new ImagePins(Optional.of(image), Map.of());
    }

    private static HistoryEntry apply(String commit, String result) {
        return new HistoryEntry.Apply(new ApplyRecord("run-" + commit, "me", commit, Instant.EPOCH, Duration.ZERO,
                result, List.of(), Optional.empty()));
    }

    /** Old revisions by commit: aaaaaaaaaaaa ran v1, bbbbbbbbbbbb v2, cccccccccccc v1 again. */
    private static Optional<ImagePins> pinsAt(String commit) {
        return switch (commit) {
            case "aaaaaaaaaaaa", "cccccccccccc" -> Optional.of(service("demo@v1"));
            case "bbbbbbbbbbbb" -> Optional.of(service("demo@v2"));
            case "dddddddddddd" -> Optional.of(service("demo@v3"));
            default -> Optional.empty();
        };
    }

    @Test
    void returnsToTheNewestConvergedRevisionThatRanOtherImages() throws Exception {
        List<HistoryEntry> history = List.of(apply("aaaaaaaaaaaa", "converged"), apply("bbbbbbbbbbbb", "converged"));

        assertThat(RollbackTargets.lastConvergedOther(history, service("demo@v2"), DROPLETS,
                RollbackTargetsTest::pinsAt)).map(RollbackTargets.Target::commit)
                .contains("aaaaaaaaaaaa");
    }

    @Test
    void skipsFailedRolledBackAndDirtyApplies() throws Exception {
        List<HistoryEntry> history = new ArrayList<>(List.of(apply("aaaaaaaaaaaa", "converged")));
        history.add(apply("dddddddddddd", "rolled-back"));
        history.add(apply("dddddddddddd", "failed"));
        history.add(apply("dddddddddddd-dirty", "converged"));
        history.add(new HistoryEntry.LeaseBroken(Instant.EPOCH, "me", "run-x"));

        assertThat(RollbackTargets.lastConvergedOther(history, service("demo@v2"), DROPLETS,
                RollbackTargetsTest::pinsAt)).map(RollbackTargets.Target::commit).contains("aaaaaaaaaaaa");
    }

    @Test
    void aRevisionAlreadyAtTodaysImagesIsNoTargetAndARollbackOfARollbackGoesBack() throws Exception {
        List<HistoryEntry> history = List.of(apply("aaaaaaaaaaaa", "converged"), apply("bbbbbbbbbbbb", "converged"),
                apply("cccccccccccc", "nothing-to-do"));

        assertThat(RollbackTargets.lastConvergedOther(history, service("demo@v1"), DROPLETS,
                RollbackTargetsTest::pinsAt)).map(RollbackTargets.Target::commit).contains("bbbbbbbbbbbb");
    }

    @Test
    void noConvergedOtherRevisionIsEmpty() throws Exception {
        List<HistoryEntry> history = List.of(apply("bbbbbbbbbbbb", "converged"), apply("eeeeeeeeeeee", "converged"));

        assertThat(RollbackTargets.lastConvergedOther(history, service("demo@v2"), DROPLETS,
                RollbackTargetsTest::pinsAt)).isEmpty();
    }

    @Test
    void aDropletPinCountsAsADifference() {
        ImagePins canary = new ImagePins(Optional.of("demo@v1"), Map.of("droplet-2", Optional.of("demo@v2")));

        assertThat(RollbackTargets.differs(canary, service("demo@v1"), DROPLETS)).isTrue();
        assertThat(RollbackTargets.differs(canary, service("demo@v1"), List.of("droplet-1"))).isFalse();
    }
}
