package dev.fleet.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageRetentionTest {

    private static final String V1 = "registry/demo@sha256:" + "1".repeat(64);
    private static final String V2 = "registry/demo@sha256:" + "2".repeat(64);
    private static final String V3 = "registry/demo@sha256:" + "3".repeat(64);
    private static final String V4 = "registry/demo@sha256:" + "4".repeat(64);

    @Test
    void afterThreeRolloutsTheLastThreeStayAndTheOldestGoes() {
        assertThat(ImageRetention.toRemove(List.of(V1, V2, V3, V4), List.of(), V4, 3)).containsExactly(V1);
    }

    @Test
    void anImageRunAgainCountsAtItsLastRun() {
        assertThat(ImageRetention.toRemove(List.of(V1, V2, V3, V1), List.of(), V1, 2)).containsExactly(V2);
    }

    @Test
    void theRunningImageStaysEvenWhenItIsNotAmongTheLastRun() {
        assertThat(ImageRetention.toRemove(List.of(V1, V2, V3), List.of(), V1, 1)).containsExactly(V2);
    }

    @Test
    void fewerImagesThanKeptRemovesNothing() {
        assertThat(ImageRetention.toRemove(List.of(V1, V2), List.of(V2), V2, 3)).isEmpty();
        assertThat(ImageRetention.toRemove(List.of(), List.of(), V2, 3)).isEmpty();
    }

    @Test
    void anImageARolloutPulledAndNeverRanGoesButOneOfTheLastRunStays() {
        String bad = "registry/demo@sha256:" + "b".repeat(64);
        assertThat(ImageRetention.toRemove(List.of(V1, V2), List.of(bad, V2, V1), V2, 3)).containsExactly(bad);
    }
}
