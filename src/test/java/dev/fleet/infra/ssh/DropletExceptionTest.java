package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.observed.UnreachableReason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropletExceptionTest {

    @Test
    void refusalsTimeoutsAndEngineTroubleAreWorthRetrying() {
        assertThat(Arrays.stream(UnreachableReason.values()).filter(DropletException::isTransient))
                .containsExactlyInAnyOrder(UnreachableReason.REFUSED, UnreachableReason.TIMEOUT, UnreachableReason.DOCKER);
    }

    @Test
    void hostKeyAndKeyProblemsWaitForSomeoneToAct() {
        for (var reason : new UnreachableReason[] {UnreachableReason.HOST_KEY_UNKNOWN, UnreachableReason.HOST_KEY_CHANGED,
                UnreachableReason.AUTHENTICATION}) {
            assertThat(new DropletException(reason, "x").isTransient()).as(reason.name()).isFalse();
        }
    }
}
