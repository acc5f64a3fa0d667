package dev.fleet.apply;

import dev.fleet.apply.DropletFailure.StepFailed;
import dev.fleet.desired.DesiredState;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Step;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One droplet's turn: its steps in order, and the rule for a failure. A failure before the old
 * container is removed puts the droplet back in rotation unchanged; a failure after runs the plan's
 * rollback steps (blue-green: every failure does, which puts the proxy back on the old colour and
 * removes the new one). The guard is asked before each step: an apply that has lost its lock stops
 * at once, touching nothing more.
 */
final class DropletTurn {

    private final DesiredState state;
    private final String run;
    private final Executor.Guard guard;
    private final StepActions actions;
    private final Supplier<Optional<String>> probeStop;

    /** @param probeStop why the turn must fail now, once the probe saw more failures than allowed */
    DropletTurn(DesiredState state, String run, Executor.Guard guard, StepActions actions,
            Supplier<Optional<String>> probeStop) {
        this.probeStop = probeStop;
        this.state = state;
        this.run = run;
        this.guard = guard;
        this.actions = actions;
    }

    /** The droplet's turn, ended by clearing its intent unless it failed. */
    DropletOutcome perform(DropletPlan plan, DropletSession session) throws InterruptedException {
        // A turn of no steps (a canary left in its soak, soaked again) wrote no intent to end.
        return plan.steps().isEmpty() ? steps(plan, session) : ended(steps(plan, session), session);
    }

    /** {@code outcome}, its droplet's intent cleared unless it failed. */
    private DropletOutcome ended(DropletOutcome outcome, DropletSession session) {
        if (outcome.result() != DropletOutcome.Result.FAILED) {
            // A FAILED droplet keeps its intent: it is out of rotation by fleet's doing, and the next
            // apply must know that to bring it back.
            try {
                session.endIntent(run, outcome.result().toString());
            } catch (ApplyException e) {
                // The droplet is where it should be; a stale intent beside a droplet in sync is ignored.
            }
        }
        return outcome;
    }

    /**
     * Takes a droplet whose turn {@code converged} back to what it ran before it, by the plan's
     * rollback steps: a fleet-wide revert after a post-deploy hook failed, or another droplet did.
     * Its intent is recorded and ended as in any turn, and the guard asked before each step.
     *
     * @param why what failed elsewhere, the cause its outcome gives
     */
    DropletOutcome revert(DropletPlan plan, DropletSession session, DropletOutcome converged, StepFailed why)
            throws InterruptedException {
        List<StepRecord> records = new ArrayList<>(converged.steps());
        List<Step> rollback = plan.rollback();
        for (int i = 0; i < rollback.size(); i++) {
            Optional<String> stop = guard.stopReason();
            if (stop.isPresent()) {
                // The lock is lost: another apply may be at work; this droplet's intent tells it where this stopped.
                return failed(plan, records, new DropletFailure.Stopped(describe(rollback.get(i)), Optional.of(why),
                        stop.get()));
            }
            StepRecord record = actions.perform(plan, rollback.get(i), plan.steps().size() + i, RolloutIntent.ROLLBACK,
                    session);
            records.add(record);
            if (!record.succeeded()) {
                return failed(plan, records, new DropletFailure.RollbackFailed(why, StepFailed.of(record),
                        state.rollout().blueGreen()));
            }
        }
        return ended(outcome(plan, DropletOutcome.Result.ROLLED_BACK, records, Optional.of(
                new DropletFailure.RolledBack(why, plan.fromDigest(), false))), session);
    }

    static DropletOutcome skipped(DropletPlan plan) {
        return new DropletOutcome(plan.droplet(), plan.fromDigest(), plan.toDigest(), DropletOutcome.Result.SKIPPED,
                List.of(), Optional.empty());
    }

    private DropletOutcome steps(DropletPlan plan, DropletSession session) throws InterruptedException {
        List<StepRecord> records = new ArrayList<>();
        // Blue-green: every failure goes through the rollback, which puts the proxy back on the old
        // colour (before the switch, that reloads what nginx already runs) and removes the new one.
        boolean replacing = plan.swapped() || state.rollout().blueGreen();
        boolean verified = false;
        boolean switched = false;
        Set<String> touched = new HashSet<>();
        List<Step> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            Optional<String> stop = guard.stopReason();
            if (stop.isPresent()) {
                return failed(plan, records, new DropletFailure.Stopped(describe(step), Optional.empty(), stop.get()));
            }
            replacing |= step instanceof Step.RemoveContainer || step instanceof Step.StartContainer;
            container(step).ifPresent(touched::add);
            StepRecord record = probed(plan, actions.perform(plan, step, i, RolloutIntent.FORWARD, session), records);
            if (record.succeeded()) {
                verified |= step instanceof Step.VerifyColour;
                switched |= step instanceof Step.SwitchProxy;
                continue;
            }
            StepFailed failure = StepFailed.of(record);
            if (verified) {
                // The new colour serves and was verified: what failed is only tidying up after it.
                return failed(plan, records, new DropletFailure.TidyUpFailed(failure));
            }
            if (!replacing) {
                return restore(plan, session, records, failure);
            }
            return rollBack(plan, session, records, failure, switched, touched);
        }
        return outcome(plan, DropletOutcome.Result.CONVERGED, records, Optional.empty());
    }

    /**
     * Adds {@code record} to {@code records}, and after it, when the probe has seen more failures
     * than {@code rollout.probe.max-failures}, the probe's own failed record: the turn then fails
     * as it would at a failed health check, from where it stands.
     *
     * @return the record the turn goes on from
     */
    private StepRecord probed(DropletPlan plan, StepRecord record, List<StepRecord> records) {
        records.add(record);
        if (!record.succeeded()) {
            return record;
        }
        return probeStop.get().map(why -> {
            StepRecord failed = actions.probeFailed(plan.droplet(), why);
            records.add(failed);
            return failed;
        }).orElse(record);
    }

    /** Nothing was replaced: the droplet goes back in rotation as it was. */
    private DropletOutcome restore(DropletPlan plan, DropletSession session, List<StepRecord> records,
            StepFailed failure) throws InterruptedException {
        Step undrain = new Step.Undrain(plan.droplet());
        StepRecord restore = actions.perform(plan, undrain, plan.steps().size(), RolloutIntent.ROLLBACK, session);
        records.add(restore);
        return restore.succeeded()
                ? outcome(plan, DropletOutcome.Result.RESTORED, records, Optional.of(new DropletFailure.Restored(failure)))
                : failed(plan, records, new DropletFailure.RestoreFailed(failure, restore.failure().orElseThrow()));
    }

    /**
     * @param switched whether a blue-green proxy was switched to the new colour before the failure
     * @param touched  the containers the turn's steps removed or started before the failure: another
     *                 service's the turn never reached runs as it did, and its rollback is left out
     */
    private DropletOutcome rollBack(DropletPlan plan, DropletSession session, List<StepRecord> records,
            StepFailed failure, boolean switched, Set<String> touched) throws InterruptedException {
        boolean blueGreen = state.rollout().blueGreen();
        List<Step> rollback = plan.rollback().stream().filter(step -> blueGreen || container(step)
                .map(c -> c.equals(state.service().name()) || touched.contains(c)).orElse(true)).toList();
        boolean restarts = rollback.stream()
                .anyMatch(s -> s instanceof Step.StartContainer || s instanceof Step.SwitchProxy);
        for (int i = 0; i < rollback.size(); i++) {
            Step step = rollback.get(i);
            Optional<String> stop = guard.stopReason();
            if (stop.isPresent()) {
                return failed(plan, records, new DropletFailure.Stopped(describe(step), Optional.of(failure), stop.get()));
            }
            StepRecord record = actions.perform(plan, step, plan.steps().size() + i, RolloutIntent.ROLLBACK, session);
            records.add(record);
            if (!record.succeeded()) {
                return failed(plan, records, new DropletFailure.RollbackFailed(failure, StepFailed.of(record), blueGreen));
            }
        }
        if (!restarts) {
            return failed(plan, records, new DropletFailure.NothingToRollBackTo(failure, blueGreen));
        }
        return outcome(plan, DropletOutcome.Result.ROLLED_BACK, records,
                Optional.of(new DropletFailure.RolledBack(failure, plan.fromDigest(), blueGreen && !switched)));
    }

    /** The container a drain-and-swap step replaces or waits for. */
    private static Optional<String> container(Step step) {
        return switch (step) {
            case Step.RemoveContainer r -> Optional.of(r.container());
            case Step.StartContainer s -> Optional.of(s.container().name());
            case Step.AwaitRunning r -> Optional.of(r.container());
            default -> Optional.empty();
        };
    }

    private String describe(Step step) {
        return actions.describe(step);
    }

    private static DropletOutcome failed(DropletPlan plan, List<StepRecord> records, DropletFailure failure) {
        return outcome(plan, DropletOutcome.Result.FAILED, records, Optional.of(failure));
    }

    private static DropletOutcome outcome(DropletPlan plan, DropletOutcome.Result result, List<StepRecord> records,
            Optional<DropletFailure> failure) {
        return new DropletOutcome(plan.droplet(), plan.fromDigest(), plan.toDigest(), result, records, failure);
    }
}
