package dev.fleet.rollout;

import dev.fleet.apply.Progress;
import dev.fleet.apply.StepRecord;
import dev.fleet.desired.DesiredState;
import dev.fleet.drift.DriftReport;
import dev.fleet.plan.Plan;
import dev.fleet.plan.Step;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.LockException;

/**
 * Told what a convergence does while it does it, for people: the command line prints it, the watch
 * logs it. Every method has a default that ignores it. Steps may be told from several threads at
 * once (the preflight runs in parallel).
 */
public interface RolloutListener extends Progress {

    /**
     * The lease of a run that did not finish was taken over.
     *
     * @param holderGone true when its process on this machine is known to be gone, false when its
     *                   lease had lapsed
     */
    default void leaseTakenOver(Lease previous, boolean holderGone) {}

    /** A plan with steps, before it is confirmed. */
    default void planned(DesiredState state, Plan plan) {}

    /** The rollout starts, after the confirmation, with the drift it was planned from. */
    default void starting(DriftReport drift, Plan plan) {}

    /** The lease is no longer this apply's: it stops before its next step. */
    default void leaseLost(String why) {}

    /** The lease could not be given back; it lapses by itself. */
    default void leaseReleaseFailed(LockException problem) {}

    /** The apply could not be recorded in the history. */
    default void historyFailed(LockException problem) {}

    @Override
    default void started(Step step, String description) {}

    @Override
    default void finished(StepRecord record) {}

    RolloutListener NONE = new RolloutListener() {};
}
