package dev.fleet.rollout;

import dev.fleet.drift.DriftReport;
import dev.fleet.plan.PlanOutcome;

/** The drift and the plan that follows from it, from one observation. */
public record Planned(DriftReport drift, PlanOutcome outcome) {

    /** Whether there is nothing to change: a ready, empty plan. */
    public boolean nothingToDo() {
        return outcome instanceof PlanOutcome.Ready ready && ready.plan().isEmpty();
    }
}
