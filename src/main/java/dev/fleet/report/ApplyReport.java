package dev.fleet.report;

import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.apply.StepRecord;
import dev.fleet.desired.Durations;
import dev.fleet.desired.ImageRef;
import dev.fleet.drift.DriftReport;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.LockException;
import java.time.Duration;

/** An apply in words: its progress lines and its summary. Never a secret: steps and outcomes hold none. */
public final class ApplyReport {

    private ApplyReport() {}

    /** A finished step, {@code elapsed} after the apply started. */
    public static String progressLine(String elapsed, StepRecord record) {
        String where = record.description().startsWith("pull ") ? " on " + record.droplet() : "";
        return String.format("%7s   %-6s %s%s (%s)%s", elapsed, record.succeeded() ? "ok" : "FAILED",
                record.description(), where, Durations.took(record.took()),
                record.failure().map(f -> "\n            " + f).orElse(""));
    }

    /** What every droplet ended as, after a blank line. */
    public static String summary(ApplyResult result) {
        StringBuilder text = new StringBuilder("\n");
        text.append(result.succeeded() ? "Applied" : "Rollout stopped").append(" in ")
                .append(Durations.took(result.took())).append(":\n");
        result.hooks().forEach(hook -> text.append("  hook: ").append(hook.line()).append('\n'));
        result.probe().ifPresent(probe -> text.append("  ").append(ProbeText.line(probe)).append(" (")
                .append(probe.url()).append(")\n"));
        for (DropletOutcome droplet : result.droplets()) {
            text.append(String.format("  %-16s %-11s %s -> %s%s", droplet.droplet(), droplet.result().word(),
                    droplet.fromDigest().map(ImageRef::shortForm).orElse("nothing"),
                    ImageRef.shortForm(droplet.toDigest()), droplet.steps().isEmpty() ? ""
                            : ", " + Durations.took(droplet.steps().stream().map(StepRecord::took)
                                    .reduce(Duration.ZERO, Duration::plus)))).append('\n');
            FailureText.of(droplet).ifPresent(f -> text.append("      ").append(f).append('\n'));
        }
        return text.toString();
    }

    /** The line for a fleet that already runs what the state says. */
    public static String nothingToDo(DriftReport drift) {
        return "fleet apply: nothing to do, every droplet runs what the state says"
                + (drift.clean() ? "." : " (but see fleet drift: " + drift.summary() + ").");
    }

    /** The lease of a run that did not finish was taken over. */
    public static String leaseTakenOver(Lease previous, boolean holderGone) {
        return holderGone
                ? "took over the lease of run " + previous.run() + " by " + previous.owner()
                        + ": its process on this machine is gone (it did not finish)"
                : "took over the lapsed lease of run " + previous.run() + " by " + previous.owner()
                        + " (it did not finish)";
    }

    /** The lease is no longer this apply's. */
    public static String leaseLost(String why) {
        return why + "; stopping before the next step";
    }

    /** The lease could not be given back everywhere. */
    public static String leaseReleaseFailed(LockException problem) {
        return "could not release the lock everywhere (it lapses by itself there): " + problem.getMessage();
    }

    /** The apply could not be recorded. */
    public static String historyFailed(LockException problem) {
        return "could not record this apply in the history: " + problem.getMessage();
    }
}
