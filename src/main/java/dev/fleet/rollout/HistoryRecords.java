package dev.fleet.rollout;

import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.apply.HookOutcome;
import dev.fleet.desired.Durations;
import dev.fleet.report.FailureText;
import dev.fleet.rollout.ledger.ApplyRecord;

/** An apply's result as the history keeps it. */
final class HistoryRecords {

    private HistoryRecords() {}

    static ApplyRecord of(String run, String who, String commit, ApplyResult result) {
        var droplets = result.droplets().stream().map(d -> new ApplyRecord.DropletRecord(d.droplet(),
                d.fromDigest().orElse(""), d.toDigest(), d.result().word(),
                d.steps().stream().map(s -> s.description() + ": " + Durations.took(s.took())
                        + s.failure().map(f -> " FAILED: " + f).orElse("")).toList())).toList();
        String outcome;
        if (result.succeeded()) {
            outcome = "converged";
        } else if (result.droplets().stream().anyMatch(d -> d.result() == DropletOutcome.Result.ROLLED_BACK)) {
            outcome = "rolled-back";
        } else {
            outcome = "failed";
        }
        return new ApplyRecord(run, who, commit, result.started(), result.took(), outcome, droplets,
                FailureText.of(result), result.hooks().stream().map(HookOutcome::line).toList(), result.probe());
    }
}
