package dev.fleet.plan;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Durations;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.RolloutPolicy;
import java.util.Optional;

/**
 * What the plan needs to know of the balancer in front of the droplets: how long it takes to drop
 * a droplet and have it back, how its four steps read, and whether a plan may go on when it cannot
 * be read. Each kind of balancer implements it (package {@code balancer}); the plan carries the
 * rules it was made with, so that its report and its executor read the same ones.
 *
 * <p>The defaults describe a balancer that fleet cannot ask: it calls the app's drain endpoint,
 * sees the app's health fail, and waits out the balancer's detection time.
 */
public interface BalancerRules {

    /** The waits and deadlines this balancer's steps take. */
    BalancerTiming timing(HealthSpec health, RolloutPolicy rollout);

    /** Why a plan must not start when the balancer could not be read ({@code problem}); empty when it may. */
    default Optional<String> refusalWhenUnreadable(String problem) {
        return Optional.empty();
    }

    default String drain(DesiredState state, DropletSpec droplet) {
        return "call the drain endpoint (" + state.drain().method() + " " + state.drain().path() + ")";
    }

    default String awaitDrained(DesiredState state, Step.AwaitDrained step) {
        return "wait until its health fails, then " + Durations.setting(timing(state.health(), state.rollout())
                .settleAfterDrained()) + " for the balancer to drop it (at most " + Durations.setting(step.deadline())
                + ")";
    }

    default String undrain(DesiredState state, DropletSpec droplet) {
        return "let the balancer's checks bring it back";
    }

    default String awaitInRotation(DesiredState state, Step.AwaitInRotation step) {
        return "wait until " + Durations.setting(timing(state.health(), state.rollout()).settleAfterInRotation())
                + " after it turned healthy, for the balancer to send it traffic (checking it every "
                + Durations.setting(state.health().interval()) + "; a failed check starts the wait again)";
    }
}
