package dev.fleet.cli;

import dev.fleet.apply.StepRecord;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.Durations;
import dev.fleet.drift.DriftReport;
import dev.fleet.plan.Plan;
import dev.fleet.plan.Step;
import dev.fleet.report.ApplyReport;
import dev.fleet.report.PlanReport;
import dev.fleet.rollout.RolloutListener;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.LockException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Prints a convergence as it goes, the way {@code fleet apply} shows it: the plan, a line per
 * finished step with the time since the apply started, and notices about the lease on stderr.
 */
class ApplyPrinter implements RolloutListener {

    private final PrintWriter out;
    private final PrintWriter err;
    private final long started = System.nanoTime();
    private String lastDroplet = "";

    ApplyPrinter(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void leaseTakenOver(Lease previous, boolean holderGone) {
        error(ApplyReport.leaseTakenOver(previous, holderGone));
    }

    @Override
    public void planned(DesiredState state, Plan plan) {
        out.print(PlanReport.render(plan, state));
        out.flush();
    }

    @Override
    public void starting(DriftReport drift, Plan plan) {
        out.println();
        out.flush();
    }

    @Override
    public void leaseLost(String why) {
        error(ApplyReport.leaseLost(why));
    }

    @Override
    public void leaseReleaseFailed(LockException problem) {
        error(ApplyReport.leaseReleaseFailed(problem));
    }

    @Override
    public void historyFailed(LockException problem) {
        error(ApplyReport.historyFailed(problem));
    }

    @Override
    public synchronized void started(Step step, String description) {
        if (!(step instanceof Step.PullImage)) {
            header(step.droplet());
        }
    }

    @Override
    public synchronized void finished(StepRecord record) {
        if (!record.description().startsWith("pull ")) {
            header(record.droplet()); // droplets of a wave interleave: each line under its own droplet
        }
        out.println(ApplyReport.progressLine(elapsed(), record));
        out.flush();
    }

    @Override
    public synchronized void note(String droplet, String text) {
        out.println(String.format("%7s   %s: %s", "", droplet, text));
        out.flush();
    }

    private void header(String droplet) {
        if (!droplet.equals(lastDroplet)) {
            lastDroplet = droplet;
            out.println(String.format("%7s %s", elapsed(), droplet));
            out.flush();
        }
    }

    private String elapsed() {
        return Durations.took(Duration.ofNanos(System.nanoTime() - started));
    }

    private synchronized void error(String line) {
        err.println("fleet apply: " + line);
        err.flush();
    }
}
