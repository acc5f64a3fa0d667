package dev.fleet.infra.droplet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.dockerjava.api.exception.ConflictException;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryTest {

    private final List<Duration> pauses = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private final Retry retry = new Retry(pauses::add);

    @Test
    void aConnectionThatFailsUnderACallIsDroppedAndTheCallMadeAgainAfterAPause() throws Exception {
        int[] calls = {0};

        String answer = retry.call(() -> {
            if (calls[0]++ == 0) {
                throw new DropletException(UnreachableReason.TIMEOUT, "reset", new IOException("Broken pipe"));
            }
            return "ok";
        }, e -> dropped.add(e.getMessage()));

        assertThat(answer).isEqualTo("ok");
        assertThat(dropped).containsExactly("reset");
        assertThat(pauses).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void itGivesUpAfterThreeAttemptsBackingOffAndThrowsTheLastFailure() {
        int[] calls = {0};

        DropletException e = catchThrowableOfType(DropletException.class, () -> retry.call(() -> {
            throw new DropletException(UnreachableReason.REFUSED, "refused " + ++calls[0]);
        }, failure -> dropped.add(failure.getMessage())));

        assertThat(e.getMessage()).isEqualTo("refused 3");
        assertThat(calls[0]).isEqualTo(Retry.ATTEMPTS);
        assertThat(pauses).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
    }

    @Test
    void anAnswerThatSaidNoIsNeverTriedAgain() {
        int[] calls = {0};
        DropletException conflict = new DropletException(UnreachableReason.DOCKER, "the Docker engine answered 409",
                new ConflictException("name in use"));

        DropletException e = catchThrowableOfType(DropletException.class, () -> retry.call(() -> {
            calls[0]++;
            throw conflict;
        }, failure -> dropped.add(failure.getMessage())));

        assertThat(e).isSameAs(conflict);
        assertThat(calls[0]).isEqualTo(1);
        assertThat(dropped).isEmpty();
    }

    @Test
    void aFailureThatWillNotPassByItselfIsNeverTriedAgain() {
        int[] calls = {0};

        catchThrowableOfType(DropletException.class, () -> retry.call(() -> {
            calls[0]++;
            throw new DropletException(UnreachableReason.HOST_KEY_CHANGED, "host key changed");
        }, failure -> dropped.add(failure.getMessage())));

        assertThat(calls[0]).isEqualTo(1);
    }
}
