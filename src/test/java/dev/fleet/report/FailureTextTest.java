package dev.fleet.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.apply.ApplyFailure;
import dev.fleet.apply.DropletFailure.StepFailed;
import dev.fleet.apply.DropletFailure;
import dev.fleet.apply.DropletOutcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each kind of failure in the very words apply printed before failures were values. */
class FailureTextTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final StepFailed HEALTH = new StepFailed("wait until healthy", "not healthy within 30s: 503");
    private static final String FAILED = "wait until healthy failed: not healthy within 30s: 503";

    @Test
    void dropletFailures() {
        assertThat(FailureText.text(new DropletFailure.Stopped("drain it", Optional.empty(), "lock lost")))
                .isEqualTo("stopped before \"drain it\": lock lost; the droplet's intent stays on it for the next"
                        + " apply, which finishes or undoes this one");
        assertThat(FailureText.text(new DropletFailure.Stopped("drain it", Optional.of(HEALTH), "lock lost")))
                .isEqualTo("stopped before \"drain it\": " + FAILED + "; then lock lost; the droplet's intent stays"
                        + " on it for the next apply, which finishes or undoes this one");
        assertThat(FailureText.text(new DropletFailure.TidyUpFailed(HEALTH)))
                .isEqualTo(FAILED + "; the new colour serves and passed its checks, the next apply tidies up");
        assertThat(FailureText.text(new DropletFailure.Restored(HEALTH)))
                .isEqualTo(FAILED + "; put back in rotation unchanged");
        assertThat(FailureText.text(new DropletFailure.RestoreFailed(HEALTH, "No such server")))
                .isEqualTo(FAILED + "; putting it back in rotation failed too: No such server");
        StepFailed start = new StepFailed("start demo on 111111111111", "No such image");
        assertThat(FailureText.text(new DropletFailure.RollbackFailed(HEALTH, start, false)))
                .isEqualTo(FAILED + "; rolling back failed too: start demo on 111111111111: No such image;"
                        + " the droplet is left out of rotation");
        assertThat(FailureText.text(new DropletFailure.RollbackFailed(HEALTH, start, true)))
                .isEqualTo(FAILED + "; rolling back failed too: start demo on 111111111111: No such image;"
                        + " the droplet is left as that step found it (fleet drift shows where nginx sends requests)");
        assertThat(FailureText.text(new DropletFailure.RolledBack(HEALTH, Optional.of(V1), false)))
                .isEqualTo(FAILED + "; rolled back to 111111111111");
        assertThat(FailureText.text(new DropletFailure.RolledBack(HEALTH, Optional.empty(), false)))
                .isEqualTo(FAILED + "; rolled back to the previous image");
        assertThat(FailureText.text(new DropletFailure.RolledBack(HEALTH, Optional.of(V1), true)))
                .isEqualTo(FAILED + "; nginx never stopped sending requests to 111111111111, and the new colour"
                        + " was removed");
        assertThat(FailureText.text(new DropletFailure.NothingToRollBackTo(HEALTH, false)))
                .isEqualTo(FAILED + "; nothing to roll back to (automatic rollback off, or no previous container):"
                        + " the droplet is left out of rotation");
        assertThat(FailureText.text(new DropletFailure.NothingToRollBackTo(HEALTH, true)))
                .isEqualTo(FAILED + "; nothing to roll back to (automatic rollback off, or no previous container):"
                        + " nginx was left as the failure found it");
    }

    @Test
    void applyFailures() {
        assertThat(FailureText.text(new ApplyFailure.PreflightFailed(List.of(
                new ApplyFailure.DropletProblem("d1", "connection refused"),
                new ApplyFailure.DropletProblem("d2", "manifest unknown")))))
                .isEqualTo("preflight failed, nothing was drained: d1: connection refused; d2: manifest unknown");
        assertThat(FailureText.text(new ApplyFailure.RolloutStopped("d1", DropletOutcome.Result.ROLLED_BACK,
                Optional.of(new DropletFailure.RolledBack(HEALTH, Optional.of(V1), false)))))
                .isEqualTo("d1: " + FAILED + "; rolled back to 111111111111; the rollout stopped, the droplets after"
                        + " it were not touched");
        assertThat(FailureText.text(new ApplyFailure.RolloutStopped("d1", DropletOutcome.Result.FAILED,
                Optional.empty())))
                .isEqualTo("d1: failed; the rollout stopped, the droplets after it were not touched");
    }

    @Test
    void aRevertThatDidNotFinishNamesTheDropletsNotBackInsteadOfClaimingTheFleetIsOnOneVersion() {
        var stopped = new ApplyFailure.RolloutStopped("d3", DropletOutcome.Result.FAILED, Optional.empty(),
                Optional.of(new ApplyFailure.Revert(List.of("d2"))));
        assertThat(FailureText.text(stopped)).isEqualTo("d3: failed; the rollout stopped, and taking back the droplets"
                + " it had moved (rollout.on-failure: revert) did not finish: d2 is not back on what it ran before (its"
                + " outcome says where it stands), so the fleet runs two versions until the next apply");
        var whole = new ApplyFailure.RolloutStopped("d3", DropletOutcome.Result.FAILED, Optional.empty(),
                Optional.of(new ApplyFailure.Revert(List.of())));
        assertThat(FailureText.text(whole)).endsWith("; the rollout stopped, and every droplet it had moved went back"
                + " to what it ran before (rollout.on-failure: revert)");
        var canary = new ApplyFailure.CanaryFailed(List.of("d1"), "5.0% of its requests failed", "100 requests",
                new ApplyFailure.Revert(List.of("d1")));
        assertThat(FailureText.text(canary)).isEqualTo("the canary (d1) failed its soak: 5.0% of its requests failed"
                + " (100 requests); taking it back did not finish: d1 is not back on what it ran before (its outcome"
                + " says where it stands), so the fleet runs two versions until the next apply, and no other droplet"
                + " was touched");
    }
}
