package dev.fleet.plan;

import java.util.List;

/** What planning gave: a plan to perform, or the reasons it is not safe to start. */
public sealed interface PlanOutcome {

    /** A plan that respects the rollout policy (possibly empty: nothing to do). */
    record Ready(Plan plan) implements PlanOutcome {}

    /**
     * Starting would be unsafe or cannot work: a droplet unreachable, the unavailability budget
     * already spent. Nothing was changed.
     *
     * @param reasons one sentence each, saying what is wrong and what to do
     * @param plan    the plan that would have run, for the report
     */
    record Refused(List<String> reasons, Plan plan) implements PlanOutcome {
        public Refused {
            reasons = List.copyOf(reasons);
        }
    }
}
