package dev.fleet.rollout;

import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.Executor;
import dev.fleet.apply.Progress;
import dev.fleet.desired.DesiredState;
import dev.fleet.plan.Plan;

/** Performs a plan against the droplets: the one executor, wired to the edges for a state. */
@FunctionalInterface
public interface PlanRunner {

    /**
     * @param run   the apply's run id, recorded on the droplets
     * @param guard asked before each step whether the apply may go on
     */
    ApplyResult run(DesiredState state, Plan plan, String run, Executor.Guard guard, Progress progress)
            throws InterruptedException;
}
