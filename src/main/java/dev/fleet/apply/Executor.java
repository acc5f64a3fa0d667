package dev.fleet.apply;

import dev.fleet.desired.DesiredState;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlannedHook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.fleet.apply.DropletFailure.StepFailed;
import dev.fleet.desired.OnFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Performs a plan: the one place where steps become actions on droplets.
 *
 * <ol>
 *   <li>Opens a session on every droplet that changes, and pulls its image there, all in parallel;
 *       if any droplet cannot be reached or lacks the image afterwards, nothing is drained ({@link
 *       Preflight}).
 *   <li>Then one droplet at a time, its steps in order ({@link DropletTurn}, each step by {@link
 *       StepActions}). Waiting steps poll until their condition holds or their deadline passes; a
 *       settle time, when the balancer needs one, counts from the moment the condition was seen
 *       ({@link HealthWaits}).
 *   <li>A failure before the old container is removed puts the droplet back in rotation unchanged;
 *       a failure after runs the plan's rollback steps. Either way the rollout stops there, and the
 *       droplets after it are not touched.
 * </ol>
 *
 * <p>Before each step of a droplet, its intent is recorded on the droplet ({@link
 * DropletSession#recordIntent}), and the droplet's turn ends by clearing it, so that an apply killed
 * at any instant leaves the next one enough to finish or undo what it was doing. The guard is asked
 * before each step too: an apply that has lost its lock stops at once, touching nothing more.
 *
 * <p>The plan's start steps carry their whole containers, labelled with the run that performs them:
 * the plan must have been made for this executor's run.
 */
public final class Executor {

    /** Asked before each step whether the apply may go on. */
    @FunctionalInterface
    public interface Guard {
        /** Why the apply must stop now (its lock was lost, say), or empty to go on. */
        Optional<String> stopReason();

        Guard NEVER = Optional::empty;
    }

    private final DesiredState state;
    private final String run;
    private final Guard guard;
    private final DropletSessions sessions;
    private final BalancerControl balancer;
    private final Clock clock;
    private final Pause pause;
    private final Progress progress;

    /**
     * @param run   the apply's run id, recorded in each droplet's intent; the plan's containers carry it
     * @param guard asked before each step
     */
    public Executor(DesiredState state, String run, Guard guard, DropletSessions sessions, BalancerControl balancer,
            Clock clock, Pause pause, Progress progress) {
        this.state = state;
        this.run = run;
        this.guard = guard;
        this.sessions = sessions;
        this.balancer = balancer;
        this.clock = clock;
        this.pause = pause;
        this.progress = progress;
    }

    /** Performs {@code plan}, its waits and words as the balancer rules it was made with say. */
    public ApplyResult apply(Plan plan) throws InterruptedException {
        Instant started = clock.instant();
        StepActions actions = new StepActions(state, run, balancer, plan.balancer(), clock, pause, progress);
        Preflight preflight = new Preflight(state, sessions, actions);
        DropletTurn turn = new DropletTurn(state, run, guard, actions);
        Map<String, DropletSession> open = new LinkedHashMap<>();
        try {
            List<StepRecord> pulls = new ArrayList<>();
            Optional<ApplyFailure> preflightFailure = preflight.run(plan, open, pulls);
            List<DropletOutcome> skipped = plan.droplets().stream().map(DropletTurn::skipped).toList();
            if (preflightFailure.isPresent()) {
                return new ApplyResult(started, since(started), pulls, skipped, preflightFailure);
            }
            List<HookOutcome> hooks = new ArrayList<>();
            Optional<ApplyFailure> hookFailure = hooks(plan, true, open, hooks);
            if (hookFailure.isPresent()) {
                return new ApplyResult(started, since(started), pulls, skipped, hookFailure, hooks);
            }
            List<DropletOutcome> outcomes = new ArrayList<>();
            Optional<ApplyFailure> failure = rollout(plan, open, turn, outcomes);
            if (failure.isEmpty()) {
                failure = hooks(plan, false, open, hooks);
                if (failure.isPresent() && ((ApplyFailure.HookFailed) failure.get()).reverted()) {
                    revert(plan, open, outcomes, turn, new StepFailed("the post-deploy hook", "failed"));
                }
            }
            return new ApplyResult(started, since(started), pulls, outcomes, failure, hooks);
        } finally {
            open.values().forEach(DropletSession::close);
        }
    }

    /**
     * Runs the plan's pre-deploy hooks ({@code pre}) or post-deploy ones, in order, until one fails.
     *
     * @return the failure, if one failed or the apply must stop
     */
    private Optional<ApplyFailure> hooks(Plan plan, boolean pre, Map<String, DropletSession> open,
            List<HookOutcome> outcomes) throws InterruptedException {
        DeployHooks runner = new DeployHooks(run, progress);
        for (PlannedHook hook : plan.hooks()) {
            if (hook.preDeploy() != pre) {
                continue;
            }
            Optional<String> stop = guard.stopReason();
            if (stop.isPresent()) {
                HookOutcome stopped = new HookOutcome(hook, Optional.empty(), false, "not run: " + stop.get());
                outcomes.add(stopped);
                return Optional.of(new ApplyFailure.HookFailed(stopped, false));
            }
            HookOutcome outcome = runner.run(hook, open.get(hook.droplet()));
            outcomes.add(outcome);
            if (!outcome.succeeded()) {
                return Optional.of(new ApplyFailure.HookFailed(outcome, hook.rollbackOnFailure()));
            }
        }
        return Optional.empty();
    }

    /**
     * The droplets' turns, wave after wave, each wave's up to the plan's parallel at once; after a
     * failure no further turn starts, and with rollout.on-failure: revert the droplets already moved
     * go back.
     *
     * @param outcomes filled with an outcome per droplet of the plan, in its order
     * @return why the rollout stopped, if it did
     */
    private Optional<ApplyFailure> rollout(Plan plan, Map<String, DropletSession> open, DropletTurn turn,
            List<DropletOutcome> outcomes) throws InterruptedException {
        Optional<DropletOutcome> failed = Optional.empty();
        for (List<DropletPlan> wave : plan.waves().split(plan.droplets())) {
            if (failed.isPresent()) {
                wave.forEach(droplet -> outcomes.add(DropletTurn.skipped(droplet)));
                continue;
            }
            List<DropletOutcome> done = WaveRunner.run(wave, plan.waves().parallel(),
                    droplet -> turn.perform(droplet, open.get(droplet.droplet())), Executor::converged);
            outcomes.addAll(done);
            failed = done.stream().filter(outcome -> !converged(outcome)
                    && outcome.result() != DropletOutcome.Result.SKIPPED).findFirst();
        }
        if (failed.isEmpty()) {
            return Optional.empty();
        }
        DropletOutcome first = failed.get();
        boolean revert = state.rollout().onFailure() == OnFailure.REVERT && guard.stopReason().isEmpty()
                && outcomes.stream().anyMatch(Executor::converged);
        if (revert) {
            revert(plan, open, outcomes, turn, new StepFailed(first.droplet() + "'s turn", switch (first.result()) {
                case ROLLED_BACK -> "its new container failed and it was rolled back";
                case RESTORED -> "it could not be drained and was put back unchanged";
                default -> "it was left out of rotation";
            }));
        }
        return Optional.of(new ApplyFailure.RolloutStopped(first.droplet(), first.result(), first.cause(), revert));
    }

    /**
     * Every droplet this apply moved goes back to what it ran before, last moved first, each through
     * its own drain-safe rollback steps, as many at once as the plan rolls; a droplet whose revert
     * fails stops the others from starting theirs.
     */
    private void revert(Plan plan, Map<String, DropletSession> open, List<DropletOutcome> outcomes, DropletTurn turn,
            StepFailed why) throws InterruptedException {
        Map<String, Integer> index = new HashMap<>();
        List<DropletPlan> moved = new ArrayList<>();
        for (int i = outcomes.size() - 1; i >= 0; i--) {
            if (converged(outcomes.get(i))) {
                index.put(plan.droplets().get(i).droplet(), i);
                moved.add(plan.droplets().get(i));
            }
        }
        List<DropletOutcome> reverted = WaveRunner.run(moved, plan.waves().parallel(), droplet -> {
            int i = index.get(droplet.droplet());
            return turn.revert(droplet, open.get(droplet.droplet()), outcomes.get(i), why);
        }, outcome -> outcome.result() == DropletOutcome.Result.ROLLED_BACK);
        for (DropletOutcome outcome : reverted) {
            if (outcome.result() != DropletOutcome.Result.SKIPPED) {
                outcomes.set(index.get(outcome.droplet()), outcome);
            }
        }
    }

    private static boolean converged(DropletOutcome outcome) {
        return outcome.result() == DropletOutcome.Result.CONVERGED;
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }
}
