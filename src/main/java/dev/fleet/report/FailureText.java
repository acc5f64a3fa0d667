package dev.fleet.report;

import dev.fleet.apply.ApplyFailure;
import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletFailure;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.desired.ImageRef;
import java.util.Optional;
import java.util.stream.Collectors;

/** An apply's failures in words, as apply prints them, the history keeps them and watch reports them. */
public final class FailureText {

    private FailureText() {}

    /** Why the apply stopped, when it did. */
    public static Optional<String> of(ApplyResult result) {
        return result.cause().map(FailureText::text);
    }

    /** What went wrong on the droplet, when something did. */
    public static Optional<String> of(DropletOutcome outcome) {
        return outcome.cause().map(FailureText::text);
    }

    public static String text(ApplyFailure failure) {
        return switch (failure) {
            case ApplyFailure.PreflightFailed p -> "preflight failed, nothing was drained: " + p.problems().stream()
                    .map(problem -> problem.droplet() + ": " + problem.reason()).collect(Collectors.joining("; "));
            case ApplyFailure.RolloutStopped s -> s.droplet() + ": "
                    + s.failure().map(FailureText::text).orElse(s.result().word()) + s.revert()
                            .map(r -> r.complete() ? "; the rollout stopped, and every droplet it had moved went back"
                                    + " to what it ran before (rollout.on-failure: revert)"
                                    : "; the rollout stopped, and taking back the droplets it had moved"
                                            + " (rollout.on-failure: revert) did not finish: " + notBack(r))
                            .orElse("; the rollout stopped, the droplets after it were not touched");
            case ApplyFailure.CanaryFailed c -> "the canary (" + String.join(", ", c.droplets()) + ") failed its soak: "
                    + c.reason() + " (" + c.counted() + "); " + (c.revert().complete()
                            ? "it went back to what it ran before" : "taking it back did not finish: " + notBack(c.revert()))
                    + ", and no other droplet was touched";
            case ApplyFailure.HookFailed h -> "the " + h.hook().line() + (h.hook().hook().preDeploy()
                    ? "; nothing was drained" : h.revert().map(r -> r.complete()
                            ? "; every droplet this apply moved was rolled back"
                            : "; rolling back the droplets this apply moved did not finish: " + notBack(r))
                            .orElse("; the droplets stay on the new version (rollback-on-failure is off)"))
                    + h.hook().outputTail(2_000).lines().reduce("", (a, b) -> a + "\n    | " + b);
        };
    }

    public static String text(DropletFailure failure) {
        return switch (failure) {
            case DropletFailure.Stopped s -> "stopped before \"" + s.nextStep() + "\": "
                    + s.after().map(f -> text(f) + "; then ").orElse("") + s.reason()
                    + "; the droplet's intent stays on it for the next apply, which finishes or undoes this one";
            case DropletFailure.TidyUpFailed t -> text(t.failed())
                    + "; the new colour serves and passed its checks, the next apply tidies up";
            case DropletFailure.Restored r -> text(r.failed()) + "; put back in rotation unchanged";
            case DropletFailure.RestoreFailed r -> text(r.failed()) + "; putting it back in rotation failed too: "
                    + r.reason();
            case DropletFailure.RollbackFailed r -> text(r.failed()) + "; rolling back failed too: "
                    + r.rollback().step() + ": " + r.rollback().reason() + (r.blueGreen()
                            ? "; the droplet is left as that step found it (fleet drift shows where nginx sends"
                                    + " requests)"
                            : "; the droplet is left out of rotation");
            case DropletFailure.RolledBack r -> text(r.failed()) + (r.beforeSwitch()
                    ? "; nginx never stopped sending requests to " + previous(r.previousDigest())
                            + ", and the new colour was removed"
                    : "; rolled back to " + previous(r.previousDigest()));
            case DropletFailure.NothingToRollBackTo n -> text(n.failed())
                    + "; nothing to roll back to (automatic rollback off, or no previous container):"
                    + (n.blueGreen() ? " nginx was left as the failure found it" : " the droplet is left out of rotation");
        };
    }

    private static String text(DropletFailure.StepFailed failed) {
        return failed.step() + " failed: " + failed.reason();
    }

    /** A revert that did not finish leaves the fleet on two versions: say which droplets, not "all went back". */
    private static String notBack(ApplyFailure.Revert revert) {
        boolean one = revert.notBack().size() == 1;
        return String.join(", ", revert.notBack()) + (one ? " is not back on what it ran before (its outcome says"
                : " are not back on what they ran before (each one's outcome says") + " where it stands), so the"
                + " fleet runs two versions until the next apply";
    }

    private static String previous(Optional<String> digest) {
        return digest.map(ImageRef::shortForm).orElse("the previous image");
    }
}
