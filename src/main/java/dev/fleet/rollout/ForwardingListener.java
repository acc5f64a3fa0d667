package dev.fleet.rollout;

import dev.fleet.apply.StepRecord;
import dev.fleet.desired.DesiredState;
import dev.fleet.drift.DriftReport;
import dev.fleet.plan.Plan;
import dev.fleet.plan.Step;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.LockException;

/** Passes everything on to another listener: extend it to add to one event. */
public class ForwardingListener implements RolloutListener {

    private final RolloutListener delegate;

    public ForwardingListener(RolloutListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void leaseTakenOver(Lease previous, boolean holderGone) {
        delegate.leaseTakenOver(previous, holderGone);
    }

    @Override
    public void planned(DesiredState state, Plan plan) {
        delegate.planned(state, plan);
    }

    @Override
    public void starting(DriftReport drift, Plan plan) {
        delegate.starting(drift, plan);
    }

    @Override
    public void leaseLost(String why) {
        delegate.leaseLost(why);
    }

    @Override
    public void leaseReleaseFailed(LockException problem) {
        delegate.leaseReleaseFailed(problem);
    }

    @Override
    public void historyFailed(LockException problem) {
        delegate.historyFailed(problem);
    }

    @Override
    public void started(Step step, String description) {
        delegate.started(step, description);
    }

    @Override
    public void finished(StepRecord record) {
        delegate.finished(record);
    }

    @Override
    public void note(String droplet, String text) {
        delegate.note(droplet, text);
    }
}
