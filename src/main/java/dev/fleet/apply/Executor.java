package dev.fleet.apply;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.ProbeSpec;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlannedHook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.fleet.apply.DropletFailure.StepFailed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Performs a plan: the one place where steps become actions on droplets.
 *
 * <ol>
 *   <li>Opens a session on every droplet that changes, and pulls its image there, all in parallel;
 *       if any droplet cannot be reached or lacks the image afterwards, nothing is drained ({@link
 *       Preflight}).
 *   <li>Then the droplets' turns, wave after wave, as many of a wave at once as the plan says
 *       (one droplet at a time by default), each turn's steps in order ({@link DropletTurn}, each
 *       step by {@link StepActions}); a canary's soak after the first wave ({@link RolloutWaves}).
 *       Waiting steps poll until their condition holds or their deadline passes; a settle time,
 *       when the balancer needs one, counts from the moment the condition was seen ({@link
 *       HealthWaits}).
 *   <li>A failure before the old container is removed puts the droplet back in rotation unchanged;
 *       a failure after runs the plan's rollback steps. Either way no further turn starts, and
 *       with {@code rollout.on-failure: revert} the droplets already moved go back.
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
    private final TrafficProbe probe;

    /**
     * @param run   the apply's run id, recorded in each droplet's intent; the plan's containers carry it
     * @param guard asked before each step
     * @param probe asks the state's {@code rollout.probe} URL while the droplets roll, when it has one
     */
    public Executor(DesiredState state, String run, Guard guard, DropletSessions sessions, BalancerControl balancer,
            Clock clock, Pause pause, Progress progress, TrafficProbe probe) {
        this.probe = probe;
        this.state = state;
        this.run = run;
        this.guard = guard;
        this.sessions = sessions;
        this.balancer = balancer;
        this.clock = clock;
        this.pause = pause;
        this.progress = progress;
    }

    /** An executor that probes nothing. */
    public Executor(DesiredState state, String run, Guard guard, DropletSessions sessions, BalancerControl balancer,
            Clock clock, Pause pause, Progress progress) {
        this(state, run, guard, sessions, balancer, clock, pause, progress, TrafficProbe.NONE);
    }

    /** Performs {@code plan}, its waits and words as the balancer rules it was made with say. */
    public ApplyResult apply(Plan plan) throws InterruptedException {
        Instant started = clock.instant();
        StepActions actions = new StepActions(state, run, balancer, plan.balancer(), clock, pause, progress);
        Preflight preflight = new Preflight(state, sessions, actions);
        Map<String, DropletSession> open = new LinkedHashMap<>();
        Optional<TrafficProbe.Running> probing = Optional.empty();
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
            // From the first droplet's turn to the rollout's end: what clients saw while droplets moved.
            probing = state.rollout().probe().map(probe::start);
            Supplier<Optional<String>> probeStop = probeStop(probing);
            DropletTurn turn = new DropletTurn(state, run, guard, actions, probeStop);
            List<DropletOutcome> outcomes = new ArrayList<>();
            RolloutWaves waves = new RolloutWaves(state, run, clock, guard, turn,
                    new CanarySoak(state, balancer, guard, clock, pause, probeStop), progress);
            Optional<ApplyFailure> failure = waves.roll(plan, open, outcomes);
            if (failure.isEmpty()) {
                failure = hooks(plan, false, open, hooks);
                if (failure.isPresent() && failure.get() instanceof ApplyFailure.HookFailed failed
                        && failed.hook().hook().rollbackOnFailure()) {
                    failure = Optional.of(new ApplyFailure.HookFailed(failed.hook(), Optional.of(
                            waves.revert(plan, open, outcomes, new StepFailed("the post-deploy hook", "failed")))));
                }
            }
            Optional<ProbeFigures> figures = probing.map(TrafficProbe.Running::stop);
            return new ApplyResult(started, since(started), pulls, outcomes, failure, hooks, figures);
        } finally {
            probing.ifPresent(TrafficProbe.Running::stop); // an apply interrupted mid-way stops it too
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
                return Optional.of(new ApplyFailure.HookFailed(stopped, Optional.empty()));
            }
            HookOutcome outcome = runner.run(hook, open.get(hook.droplet()));
            outcomes.add(outcome);
            if (!outcome.succeeded()) {
                return Optional.of(new ApplyFailure.HookFailed(outcome, Optional.empty()));
            }
        }
        return Optional.empty();
    }

    /** Why the droplet in its turn must fail now: the probe over {@code rollout.probe.max-failures}. */
    private Supplier<Optional<String>> probeStop(Optional<TrafficProbe.Running> probing) {
        Optional<ProbeSpec> spec = state.rollout().probe();
        return () -> probing.flatMap(running -> ProbeLimit.exceeded(spec.orElseThrow(), running.figures()));
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }
}
