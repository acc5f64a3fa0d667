package dev.fleet.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.rollout.Convergence;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockLeaseTest {

    @Test
    void withoutTheVariableTheLeaseIsTwoMinutes() {
        assertThat(LockLease.from(Map.of())).isEqualTo(Convergence.LEASE).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theOperatorSetsItInFleetsOwnDurationForm() {
        assertThat(LockLease.from(Map.of("FLEET_LOCK_LEASE", "20s"))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aValueThatIsNoDurationOrOutOfRangeIsRefusedNamingTheVariable() {
        for (String bad : new String[] {"soon", "2", "1s", "2h"}) {
            assertThatThrownBy(() -> LockLease.from(Map.of("FLEET_LOCK_LEASE", bad)))
                    .hasMessageContaining("FLEET_LOCK_LEASE must be a duration from 8s to 1h").hasMessageContaining(bad);
        }
    }
}
