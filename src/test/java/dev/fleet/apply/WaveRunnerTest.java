package dev.fleet.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.plan.DropletPlan;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WaveRunnerTest {

    private static final String V2 = "sha256:" + "2".repeat(64);

    @Test
    void theTurnsWithinTheBudgetStartTogetherEvenWhenOneFailsBeforeAnotherThreadGetsGoing() throws Exception {
        // d2's turn fails at once; d1's thread, if it gets going only after that, must still start d1's
        // turn. d3 waits for a free slot: it is not started if d2's failure is known by then, and may
        // be if d1's thread took it first. Which thread runs first is the scheduler's choice, so the
        // race is tried many times.
        for (int attempt = 0; attempt < 200; attempt++) {
            List<DropletOutcome> outcomes = WaveRunner.run(List.of(plan("d1"), plan("d2"), plan("d3")), 2,
                    droplet -> outcome(droplet, droplet.droplet().equals("d2") ? DropletOutcome.Result.FAILED
                            : DropletOutcome.Result.CONVERGED),
                    outcome -> outcome.result() == DropletOutcome.Result.CONVERGED);

            assertThat(outcomes).as("attempt %d", attempt).extracting(DropletOutcome::result)
                    .startsWith(DropletOutcome.Result.CONVERGED, DropletOutcome.Result.FAILED);
        }
    }

    private static DropletPlan plan(String droplet) {
        return new DropletPlan(droplet, "test", Optional.empty(), Optional.empty(), V2, List.of(), List.of(), true,
                Duration.ZERO);
    }

    private static DropletOutcome outcome(DropletPlan plan, DropletOutcome.Result result) {
        return new DropletOutcome(plan.droplet(), plan.fromDigest(), plan.toDigest(), result, List.of(), Optional.empty());
    }
}
