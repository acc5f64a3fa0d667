package dev.fleet.infra.ssh;

import dev.fleet.desired.Durations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeoutsTest {

    @Test
    void writesDurationsTheWayPeopleDo() {
        assertThat(Durations.timeout(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Durations.timeout(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.timeout(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.timeout(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.timeout(Duration.ofSeconds(90))).isEqualTo("90s");
    }

    @Test
    void neverTurnsATinyTimeoutIntoForever() {
        assertThat(Timeouts.millis(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Timeouts.millis(Duration.ofDays(365))).isEqualTo(Integer.MAX_VALUE);
    }
}
