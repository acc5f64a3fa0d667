package dev.fleet.apply;

import dev.fleet.apply.DropletFailure.StepFailed;
import dev.fleet.desired.CanarySpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.ImageSource;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.desired.OnFailure;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The droplets' turns, wave after wave ({@link WaveRunner} within one), the canary's soak after the
 * first wave, and the way back: after a failed droplet with {@code rollout.on-failure: revert}, after
 * a failed soak, or after a failed post-deploy hook that asks for it, every droplet the apply moved
 * goes back to what it ran before.
 */
final class RolloutWaves {

    private final DesiredState state;
    private final String run;
    private final Clock clock;
    private final Executor.Guard guard;
    private final DropletTurn turn;
    private final CanarySoak soak;
    private final Progress progress;

    RolloutWaves(DesiredState state, String run, Clock clock, Executor.Guard guard, DropletTurn turn, CanarySoak soak,
            Progress progress) {
        this.state = state;
        this.run = run;
        this.clock = clock;
        this.guard = guard;
        this.turn = turn;
        this.soak = soak;
        this.progress = progress;
    }

    /**
     * Rolls the plan's droplets; after a failure no further turn starts, and with
     * rollout.on-failure: revert the droplets already moved go back.
     *
     * @param outcomes filled with an outcome per droplet of the plan, in its order
     * @return why the rollout stopped, if it did
     */
    Optional<ApplyFailure> roll(Plan plan, Map<String, DropletSession> open, List<DropletOutcome> outcomes)
            throws InterruptedException {
        Optional<DropletOutcome> failed = Optional.empty();
        List<List<DropletPlan>> waves = plan.waves().split(plan.droplets());
        for (int i = 0; i < waves.size(); i++) {
            if (failed.isPresent()) {
                waves.get(i).forEach(droplet -> outcomes.add(DropletTurn.skipped(droplet)));
                continue;
            }
            List<DropletOutcome> done = WaveRunner.run(waves.get(i), plan.waves().parallel(),
                    droplet -> turn.perform(droplet, open.get(droplet.droplet())), RolloutWaves::converged);
            outcomes.addAll(done);
            failed = done.stream().filter(outcome -> !converged(outcome)
                    && outcome.result() != DropletOutcome.Result.SKIPPED).findFirst();
            if (i == 0 && failed.isEmpty() && plan.waves().canary().isPresent()) {
                Optional<ApplyFailure> canary = soakCanary(plan, waves.getFirst(), open, outcomes);
                if (canary.isPresent()) {
                    waves.subList(1, waves.size())
                            .forEach(wave -> wave.forEach(droplet -> outcomes.add(DropletTurn.skipped(droplet))));
                    return canary;
                }
            }
        }
        return failed.isEmpty() ? Optional.empty() : Optional.of(stopped(plan, open, outcomes, failed.get()));
    }

    private ApplyFailure stopped(Plan plan, Map<String, DropletSession> open, List<DropletOutcome> outcomes,
            DropletOutcome first) throws InterruptedException {
        boolean revert = state.rollout().onFailure() == OnFailure.REVERT && guard.stopReason().isEmpty()
                && outcomes.stream().anyMatch(RolloutWaves::converged);
        Optional<ApplyFailure.Revert> reverted = revert
                ? Optional.of(revert(plan, open, outcomes,
                        new StepFailed(first.droplet() + "'s turn", howItEnded(first.result()))))
                : Optional.empty();
        return new ApplyFailure.RolloutStopped(first.droplet(), first.result(), first.cause(), reverted);
    }

    private static String howItEnded(DropletOutcome.Result result) {
        return switch (result) {
            case ROLLED_BACK -> "its new container failed and it was rolled back";
            case RESTORED -> "it could not be drained and was put back unchanged";
            default -> "it was left out of rotation";
        };
    }

    /**
     * Soaks the first wave (every outcome so far), each canary's record gaining the soak's; when it
     * fails, takes the canaries back (unless the apply must stop at once).
     */
    private Optional<ApplyFailure> soakCanary(Plan plan, List<DropletPlan> firstWave, Map<String, DropletSession> open,
            List<DropletOutcome> outcomes) throws InterruptedException {
        Set<String> canaries = new LinkedHashSet<>();
        outcomes.forEach(outcome -> canaries.add(outcome.droplet()));
        CanarySpec canary = plan.waves().canary().orElseThrow();
        String what = CanarySoak.describe(canary);
        canaries.forEach(droplet -> progress.note(droplet, "the canary: " + what));
        Optional<String> unrecorded = recordSoak(firstWave, open);
        CanarySoak.Soaked soaked = unrecorded.isPresent()
                ? new CanarySoak.Soaked("not started", clock.instant(), Duration.ZERO, unrecorded)
                : soak.soak(canary, canaries, open);
        recordSoaked(outcomes, what, soaked);
        if (soaked.failure().isEmpty()) {
            firstWave.forEach(droplet -> endSoak(open.get(droplet.droplet())));
            return Optional.empty();
        }
        Optional<String> stop = guard.stopReason();
        if (stop.isPresent()) {
            // The apply must stop at once: the soak's intent stays on the canaries for the next one.
            return Optional.of(new ApplyFailure.RolloutStopped(firstWave.getFirst().droplet(),
                    DropletOutcome.Result.CONVERGED, Optional.of(new DropletFailure.Stopped("the canary's soak",
                            Optional.empty(), stop.get()))));
        }
        ApplyFailure.Revert reverted = revert(plan, open, outcomes,
                new StepFailed("the canary's soak", soaked.failure().get()));
        return Optional.of(new ApplyFailure.CanaryFailed(List.copyOf(canaries), soaked.failure().get(),
                soaked.summary(), reverted));
    }

    /** Adds the soak's record to each canary's outcome (every outcome so far), and reports it. */
    private void recordSoaked(List<DropletOutcome> outcomes, String what, CanarySoak.Soaked soaked) {
        for (int i = 0; i < outcomes.size(); i++) {
            DropletOutcome outcome = outcomes.get(i);
            List<StepRecord> steps = new ArrayList<>(outcome.steps());
            StepRecord record = new StepRecord(outcome.droplet(), what + "; " + soaked.summary(),
                    soaked.started(), soaked.took(), soaked.failure());
            steps.add(record);
            progress.finished(record);
            outcomes.set(i, new DropletOutcome(outcome.droplet(), outcome.fromDigest(), outcome.toDigest(),
                    outcome.result(), steps, outcome.cause()));
        }
    }

    /**
     * Writes on each canary that it is in its soak, so that an apply that dies meanwhile leaves the
     * next one enough to soak it again, or take it back.
     *
     * @return why it could not be written on one, if it could not
     */
    private Optional<String> recordSoak(List<DropletPlan> canaries, Map<String, DropletSession> open) {
        for (DropletPlan canary : canaries) {
            try {
                open.get(canary.droplet()).recordIntent(new RolloutIntent(run, RolloutIntent.SOAK, RolloutIntent.FORWARD,
                        canary.toDigest(), canary.fromImage().map(ImageSource::reference), canary.fromDigest(),
                        clock.instant()));
            } catch (ApplyException e) {
                return Optional.of("the soak could not be recorded on " + canary.droplet() + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private void endSoak(DropletSession session) {
        try {
            session.endIntent(run, "SOAKED");
        } catch (ApplyException e) {
            // A soak intent beside a droplet in sync that the next apply finds soaks it again: no harm.
        }
    }

    /**
     * Every droplet this apply moved goes back to what it ran before, last moved first, each through
     * its own drain-safe rollback steps, as many at once as the plan rolls; a droplet whose revert
     * fails stops the others from starting theirs.
     *
     * @return which of them are not back
     */
    ApplyFailure.Revert revert(Plan plan, Map<String, DropletSession> open, List<DropletOutcome> outcomes, StepFailed why)
            throws InterruptedException {
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
        List<String> notBack = new ArrayList<>();
        for (DropletOutcome outcome : reverted) {
            if (outcome.result() != DropletOutcome.Result.SKIPPED) {
                outcomes.set(index.get(outcome.droplet()), outcome);
            }
            if (outcome.result() != DropletOutcome.Result.ROLLED_BACK) {
                notBack.add(outcome.droplet());
            }
        }
        return new ApplyFailure.Revert(notBack);
    }

    static boolean converged(DropletOutcome outcome) {
        return outcome.result() == DropletOutcome.Result.CONVERGED;
    }
}
