package dev.fleet.plan;

import dev.fleet.desired.DesiredState;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.UnmanagedContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * This fleet's containers of services the state no longer runs on a droplet: removed by {@code
 * fleet apply --prune}, at the end of the droplet's turn (or in a turn of their own, which never
 * drains: they take no traffic of the state's), and only reported without it. Pure.
 */
final class Leftovers {

    private Leftovers() {}

    static List<UnmanagedContainer> of(DropletDrift drift) {
        return drift.unmanaged().stream().filter(u -> u.leftoverOf().isPresent()).toList();
    }

    /** What the plan says of leftovers it leaves. */
    static List<String> notes(DropletDrift drift) {
        return of(drift).stream().map(u -> "leftover container " + u.name() + " of service " + u.leftoverOf().get()
                + " on " + drift.droplet() + " (fleet apply --prune removes it)").toList();
    }

    /** {@code turn} with the leftovers' removal at its end, or a turn of them alone; empty when none. */
    static Optional<DropletPlan> prune(DesiredState state, DropletDrift drift, Optional<DropletPlan> turn) {
        List<UnmanagedContainer> leftovers = of(drift);
        if (leftovers.isEmpty()) {
            return turn;
        }
        List<Step> removals = leftovers.stream().<Step>map(u -> new Step.RemoveContainer(drift.droplet(), u.name(),
                PreviousContainers.defaultGrace(state))).toList();
        String why = "leftovers of services the state does not run here: " + String.join(", ",
                leftovers.stream().map(u -> u.name() + " (" + u.leftoverOf().get() + ")").toList());
        if (turn.isEmpty()) {
            UnmanagedContainer first = leftovers.getFirst();
            return Optional.of(new DropletPlan(drift.droplet(), why, first.digest(), Optional.empty(), "removed",
                    removals, List.of(), false, PreviousContainers.defaultGrace(state)));
        }
        DropletPlan plan = turn.get();
        List<Step> steps = new ArrayList<>(plan.steps());
        steps.addAll(removals);
        return Optional.of(new DropletPlan(plan.droplet(), plan.why() + "; " + why, plan.fromDigest(), plan.fromImage(),
                plan.toDigest(), steps, plan.rollback(), plan.swapped(), plan.estimate()));
    }
}
