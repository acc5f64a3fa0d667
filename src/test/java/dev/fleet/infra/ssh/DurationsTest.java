package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void writesDurationsTheWayPeopleDo() {
        assertThat(Durations.describe(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Durations.describe(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.describe(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.describe(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.describe(Duration.ofSeconds(90))).isEqualTo("90s");
    }

    @Test
    void neverTurnsATinyTimeoutIntoForever() {
        assertThat(Durations.millis(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Durations.millis(Duration.ofDays(365))).isEqualTo(Integer.MAX_VALUE);
    }
}
