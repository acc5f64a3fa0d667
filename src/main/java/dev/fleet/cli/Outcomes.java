package dev.fleet.cli;

import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.report.ApplyReport;
import dev.fleet.report.FailureText;
import dev.fleet.rollout.ConvergeResult;
import dev.fleet.rollout.ledger.Lease;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** A convergence's result as {@code fleet apply} ends: its last lines and its exit code. */
final class Outcomes {

    private Outcomes() {}

    /** The exit code for {@code result}. */
    static int code(ConvergeResult result) {
        return switch (result) {
            case ConvergeResult.NothingToDo nothing -> ExitCodes.unlessUnreachable(nothing.drift(), ExitCodes.SUCCESS);
            case ConvergeResult.LockUnavailable unavailable ->
                    ExitCodes.unlessUnreachable(unavailable.drift(), ExitCodes.COULD_NOT_RUN);
            case ConvergeResult.Locked locked -> ExitCodes.LOCKED;
            case ConvergeResult.Refused refused -> ExitCodes.unlessUnreachable(refused.drift(), ExitCodes.COULD_NOT_RUN);
            case ConvergeResult.Declined declined -> ExitCodes.COULD_NOT_RUN;
            case ConvergeResult.Applied applied -> applied.result().succeeded()
                    ? ExitCodes.unlessUnreachable(applied.drift(), ExitCodes.SUCCESS)
                    : applied.changedADroplet() ? ExitCodes.ROLLOUT_FAILED : ExitCodes.COULD_NOT_RUN;
        };
    }

    /** Prints what {@code result} says to people and returns the exit code for it. */
    static int print(ConvergeResult result, PrintWriter out, PrintWriter err) {
        switch (result) {
            case ConvergeResult.NothingToDo nothing -> {
                out.println(ApplyReport.nothingToDo(nothing.drift()));
                unreached(nothing.drift(), err);
            }
            case ConvergeResult.LockUnavailable unavailable ->
                    err.println("fleet apply: cannot take the apply lock, nothing was changed: " + unavailable.problem());
            case ConvergeResult.Locked locked -> err.println(held(locked));
            case ConvergeResult.Refused refused -> {
                err.println("fleet apply: refusing to start, nothing was changed:");
                refused.reasons().forEach(reason -> err.println("  - " + reason));
            }
            case ConvergeResult.Declined declined -> out.println("Nothing was changed.");
            case ConvergeResult.Applied applied -> {
                out.print(ApplyReport.summary(applied.result()));
                out.flush();
                FailureText.of(applied.result()).ifPresent(failure -> err.println("fleet apply: " + failure));
                if (applied.result().succeeded()) {
                    unreached(applied.drift(), err);
                }
            }
        }
        out.flush();
        err.flush();
        return code(result);
    }

    /**
     * Says which droplets could not be observed: apply left them as they were (they counted against
     * the budget as droplets down), so the fleet may still drift there, which exit 5 tells CI.
     */
    private static void unreached(DriftReport drift, PrintWriter err) {
        List<DropletDrift> unreached = drift.unreachable();
        if (unreached.isEmpty()) {
            return;
        }
        err.println("fleet apply: not converged everywhere: " + unreached.stream()
                .map(droplet -> droplet.droplet() + " (" + droplet.reason() + ")").collect(Collectors.joining(", "))
                + (unreached.size() == 1 ? " was" : " were") + " not reached and left as " + (unreached.size() == 1
                        ? "it was" : "they were") + "; run fleet apply again once reachable");
    }

    private static String held(ConvergeResult.Locked locked) {
        Lease holder = locked.holder();
        return "fleet apply: another apply holds the lock on " + locked.where() + ": run " + holder.run() + " by "
                + holder.owner() + " (state " + holder.commit() + "), since "
                + Duration.between(holder.since(), locked.now()).toSeconds() + "s ago, lease until "
                + holder.expires() + ". Nothing was changed. Wait for it to finish; if it crashed, its lease"
                + " lapses by itself, or fleet unlock breaks it now.";
    }
}
