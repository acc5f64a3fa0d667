package dev.fleet.rollout.watch;

import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.desired.DesiredState;
import dev.fleet.drift.DriftReport;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import dev.fleet.report.FailureText;
import dev.fleet.rollout.ForwardingListener;
import dev.fleet.rollout.RolloutListener;
import java.time.Clock;
import java.time.Duration;

/**
 * Tells a notifier how a rollout goes, the same way for {@code fleet watch} and {@code fleet apply}:
 * {@code rollout_started} when it begins, then {@code rollout_finished}, or one {@code rolled_back}
 * per droplet rolled back and {@code rollout_failed}. Never waits for the notifier.
 */
public final class RolloutEvents {

    private final Notifier notifier;
    private final Clock clock;

    public RolloutEvents(Notifier notifier, Clock clock) {
        this.notifier = notifier;
        this.clock = clock;
    }

    /** {@code listener}, also telling the notifier when the rollout of {@code state} starts. */
    public RolloutListener around(RolloutListener listener, DesiredState state) {
        return new ForwardingListener(listener) {
            @Override
            public void starting(DriftReport drift, Plan plan) {
                super.starting(drift, plan);
                RolloutEvents.this.started(state, plan);
            }
        };
    }

    /** The rollout of {@code state} begins with {@code plan}. */
    public void started(DesiredState state, Plan plan) {
        notifier.notify(new WatchEvent.RolloutStarted(state.service().name(), state.revision().describe(),
                clock.instant(), plan.droplets().stream().map(DropletPlan::droplet).toList()));
    }

    /** The rollout of {@code state} ended with {@code result}, after {@code took}. */
    public void ended(DesiredState state, ApplyResult result, Duration took) {
        String commit = state.revision().describe();
        String service = state.service().name();
        if (result.succeeded()) {
            notifier.notify(new WatchEvent.RolloutFinished(service, commit, clock.instant(), took));
            return;
        }
        for (DropletOutcome droplet : result.droplets()) {
            if (droplet.result() == DropletOutcome.Result.ROLLED_BACK) {
                notifier.notify(new WatchEvent.RolledBack(service, commit, clock.instant(), droplet.droplet(),
                        FailureText.of(droplet).orElse("its new container failed")));
            }
        }
        notifier.notify(new WatchEvent.RolloutFailed(service, commit, clock.instant(),
                FailureText.of(result).orElse("the rollout stopped")));
    }
}
