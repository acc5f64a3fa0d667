package dev.fleet.cli;

import dev.fleet.report.ApplyReport;
import dev.fleet.report.FailureText;
import dev.fleet.rollout.ConvergeResult;
import dev.fleet.rollout.ledger.Lease;
import java.io.PrintWriter;
import java.time.Duration;

/** A convergence's result as {@code fleet apply} ends: its last lines and its exit code. */
final class Outcomes {

    private Outcomes() {}

    /** Prints what {@code result} says to people and returns the exit code for it. */
    static int print(ConvergeResult result, PrintWriter out, PrintWriter err) {
        int code = switch (result) {
            case ConvergeResult.NothingToDo nothing -> {
                out.println(ApplyReport.nothingToDo(nothing.drift()));
                yield ExitCodes.SUCCESS;
            }
            case ConvergeResult.LockUnavailable unavailable -> {
                err.println("fleet apply: cannot take the apply lock, nothing was changed: " + unavailable.problem());
                yield ExitCodes.COULD_NOT_RUN;
            }
            case ConvergeResult.Locked locked -> {
                err.println(held(locked));
                yield ExitCodes.LOCKED;
            }
            case ConvergeResult.Refused refused -> {
                err.println("fleet apply: refusing to start, nothing was changed:");
                refused.reasons().forEach(reason -> err.println("  - " + reason));
                yield ExitCodes.COULD_NOT_RUN;
            }
            case ConvergeResult.Declined declined -> {
                out.println("Nothing was changed.");
                yield ExitCodes.COULD_NOT_RUN;
            }
            case ConvergeResult.Applied applied -> {
                out.print(ApplyReport.summary(applied.result()));
                out.flush();
                FailureText.of(applied.result()).ifPresent(failure -> err.println("fleet apply: " + failure));
                yield applied.result().succeeded() ? ExitCodes.SUCCESS
                        : applied.changedADroplet() ? ExitCodes.ROLLOUT_FAILED : ExitCodes.COULD_NOT_RUN;
            }
        };
        out.flush();
        err.flush();
        return code;
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
