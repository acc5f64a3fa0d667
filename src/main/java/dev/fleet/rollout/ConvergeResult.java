package dev.fleet.rollout;

import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.drift.DriftReport;
import dev.fleet.plan.Plan;
import dev.fleet.rollout.ledger.Lease;
import java.time.Instant;
import java.util.List;

/** What one convergence of a fleet did; every case carries the drift it was planned from. */
public sealed interface ConvergeResult {

    DriftReport drift();

    /** Every droplet runs what the state says: no lock was taken, nothing changed. */
    record NothingToDo(DriftReport drift) implements ConvergeResult {}

    /** The lease could not be asked for (its droplet unreachable, say): nothing changed. */
    record LockUnavailable(DriftReport drift, String problem) implements ConvergeResult {}

    /** Another apply holds the lease: nothing changed. */
    record Locked(DriftReport drift, String where, Lease holder, Instant now) implements ConvergeResult {}

    /** The plan is unsafe (unreachable droplets, the budget spent, ...): nothing changed. */
    record Refused(DriftReport drift, Plan plan, List<String> reasons) implements ConvergeResult {
        public Refused {
            reasons = List.copyOf(reasons);
        }
    }

    /** Nobody confirmed the plan: nothing changed. */
    record Declined(DriftReport drift, Plan plan) implements ConvergeResult {}

    /** The rollout ran; {@code result} says how each droplet ended. */
    record Applied(DriftReport drift, Plan plan, ApplyResult result) implements ConvergeResult {

        /** Whether a droplet was touched (a failure before any was changes nothing). */
        public boolean changedADroplet() {
            return result.droplets().stream().anyMatch(d -> d.result() != DropletOutcome.Result.SKIPPED);
        }
    }
}
