package dev.fleet.rollout.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutMemoryTest {

    private final RolloutMemory memory = new RolloutMemory();
    private final RolloutMemory.Target v2 = RolloutMemory.Target.of("abc", Map.of("d1", "sha256:2", "d2", "sha256:2"));

    @Test
    void aTargetNeverTriedIsWorthTrying() {
        assertThat(memory.worthTrying(v2)).isTrue();
    }

    @Test
    void aTargetWhoseRolloutFailedIsNotTriedAgainAndSaysWhy() {
        memory.failed(v2, "d1: not healthy within 30s");

        assertThat(memory.worthTrying(RolloutMemory.Target.of("abc", Map.of("d2", "sha256:2", "d1", "sha256:2"))))
                .isFalse();
        assertThat(memory.failureOf(v2)).contains("d1: not healthy within 30s");
    }

    @Test
    void aNewCommitOrAnotherDigestIsWorthANewTry() {
        memory.failed(v2, "bad");

        assertThat(memory.worthTrying(RolloutMemory.Target.of("def", Map.of("d1", "sha256:2", "d2", "sha256:2"))))
                .isTrue();
        assertThat(memory.worthTrying(RolloutMemory.Target.of("abc", Map.of("d1", "sha256:3", "d2", "sha256:3"))))
                .isTrue();
    }

    @Test
    void aSuccessfulRolloutToTheTargetForgetsItsFailure() {
        memory.failed(v2, "a droplet was unreachable");
        memory.succeeded(v2);

        assertThat(memory.worthTrying(v2)).isTrue();
        assertThat(memory.failureOf(v2)).isEmpty();
    }
}
