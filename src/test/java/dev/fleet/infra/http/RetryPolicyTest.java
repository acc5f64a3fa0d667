package dev.fleet.infra.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(60));

    @Test
    void pausesDoubleFromTheFirstUpToTheCap() {
        assertThat(policy.pauseAfter(1, Optional.empty())).hasValue(Duration.ofSeconds(1));
        assertThat(policy.pauseAfter(2, Optional.empty())).hasValue(Duration.ofSeconds(2));
        assertThat(policy.pauseAfter(3, Optional.empty())).hasValue(Duration.ofSeconds(3));
        assertThat(policy.pauseAfter(4, Optional.empty())).hasValue(Duration.ofSeconds(3));
    }

    @Test
    void noPauseOnceTheAttemptsAreSpent() {
        assertThat(policy.pauseAfter(5, Optional.empty())).isEmpty();
        assertThat(policy.pauseAfter(5, Optional.of(Duration.ofSeconds(1)))).isEmpty();
    }

    @Test
    void theServersWaitIsHonouredUpToTheLongestFleetGives() {
        assertThat(policy.pauseAfter(1, Optional.of(Duration.ofSeconds(45)))).hasValue(Duration.ofSeconds(45));
        assertThat(policy.pauseAfter(1, Optional.of(Duration.ofSeconds(61)))).isEmpty();
        assertThat(policy.tooLong(Duration.ofSeconds(61))).isTrue();
    }

    @Test
    void aWaitThatHasAlreadyPassedIsNoWait() {
        assertThat(policy.pauseAfter(1, Optional.of(Duration.ofSeconds(-3)))).hasValue(Duration.ZERO);
    }

    @Test
    void aPolicyWithoutAttemptsIsRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
