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

    /** Prints what {@code result} says to people and returns the exit code for it. */
    static int print(ConvergeResult result, PrintWriter out, PrintWriter err) {
        int code = switch (result) {
            case ConvergeResult.NothingToDo nothing -> {
                out.println(ApplyReport.nothingToDo(nothing.drift()));
                yield unlessUnreached(nothing.drift(), err);
            }
            case ConvergeResult.LockUnavailable unavailable -> {
                err.println("fleet apply: cannot take the apply lock, nothing was changed: " + unavailable.problem());
                yield ExitCodes.unlessUnreachable(unavailable.drift(), ExitCodes.COULD_NOT_RUN);
            }
            case ConvergeResult.Locked locked -> {
                err.println(held(locked));
                yield ExitCodes.LOCKED;
            }
            case ConvergeResult.Refused refused -> {
                err.println("fleet apply: refusing to start, nothing was changed:");
                refused.reasons().forEach(reason -> err.println("  - " + reason));
                yield ExitCodes.unlessUnreachable(refused.drift(), ExitCodes.COULD_NOT_RUN);
            }
            case ConvergeResult.Declined declined -> {
                out.println("Nothing was changed.");
                yield ExitCodes.COULD_NOT_RUN;
            }
            case ConvergeResult.Applied applied -> {
                out.print(ApplyReport.summary(applied.result()));
                out.flush();
                FailureText.of(applied.result()).ifPresent(failure -> err.println("fleet apply: " + failure));
                yield applied.result().succeeded() ? unlessUnreached(applied.drift(), err)
                        : applied.changedADroplet() ? ExitCodes.ROLLOUT_FAILED : ExitCodes.COULD_NOT_RUN;
            }
        };
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Success, unless some droplet could not be observed: apply left it as it was (it counted against
     * the budget as a droplet down), so the fleet may still drift there, which exit 5 tells CI.
     */
    private static int unlessUnreached(DriftReport drift, PrintWriter err) {
        List<DropletDrift> unreached = drift.unreachable();
        if (unreached.isEmpty()) {
            return ExitCodes.SUCCESS;
        }
        err.println("fleet apply: not converged everywhere: " + unreached.stream()
                .map(droplet -> droplet.droplet() + " (" + droplet.reason() + ")").collect(Collectors.joining(", "))
                + (unreached.size() == 1 ? " was" : " were") + " not reached and left as " + (unreached.size() == 1
                        ? "it was" : "they were") + "; run fleet apply again once reachable");
        return ExitCodes.UNREACHABLE;
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
