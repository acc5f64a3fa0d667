package dev.fleet.plan;

import dev.fleet.desired.Revision;
import java.time.Duration;
import java.util.List;

/**
 * The ordered changes that make the fleet match its desired state.
 *
 * @param service     the service
 * @param revision    the state's commit
 * @param preflight   steps on every droplet that will change, before any drain (image pulls)
 * @param droplets    the droplets to change, in rollout order
 * @param unchanged   the droplets already in sync
 * @param estimate    the whole rollout's expected duration
 * @param balancer    the rules of the balancer the plan drains through, which its steps' timing and
 *                    words come from
 * @param notes       what differs but is left out of this apply, and why (an accessory waiting for an
 *                    apply of its own)
 * @param hooks       the deploy hooks it runs, pre-deploy ones before any drain, post-deploy ones
 *                    after the last droplet
 * @param waves       how {@code droplets} are grouped into waves, and how many roll at once
 */
public record Plan(
        String service,
        Revision revision,
        List<Step> preflight,
        List<DropletPlan> droplets,
        List<String> unchanged,
        Duration estimate,
        BalancerRules balancer,
        List<String> notes,
        List<PlannedHook> hooks,
        Waves waves) {

    public Plan {
        hooks = List.copyOf(hooks);
        preflight = List.copyOf(preflight);
        droplets = List.copyOf(droplets);
        unchanged = List.copyOf(unchanged);
        notes = List.copyOf(notes);
        waves.split(droplets); // they must cover the droplets exactly
    }

    /** A plan that moves one droplet at a time. */
    public Plan(String service, Revision revision, List<Step> preflight, List<DropletPlan> droplets,
            List<String> unchanged, Duration estimate, BalancerRules balancer, List<String> notes,
            List<PlannedHook> hooks) {
        this(service, revision, preflight, droplets, unchanged, estimate, balancer, notes, hooks,
                Waves.oneAtATime(droplets.size()));
    }

    /** A plan that leaves nothing out. */
    public Plan(String service, Revision revision, List<Step> preflight, List<DropletPlan> droplets,
            List<String> unchanged, Duration estimate, BalancerRules balancer) {
        this(service, revision, preflight, droplets, unchanged, estimate, balancer, List.of(), List.of());
    }

    /** Nothing to change: a second apply on a converged fleet. */
    public boolean isEmpty() {
        return droplets.isEmpty();
    }
}
