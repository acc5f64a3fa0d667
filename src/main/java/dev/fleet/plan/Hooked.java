package dev.fleet.plan;

import dev.fleet.desired.DeployHook;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.observed.FleetLabels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which deploy hooks an apply runs: those of each service it changes, on the service's new image.
 * Pure. A service changes in an apply when some droplet's turn starts its container on the way forward
 * (a turn that only returns a droplet an earlier apply left is not a deploy).
 */
final class Hooked {

    /** The label that marks a hook's one-off container: the service and the hook's kind. */
    static final String HOOK_LABEL = "fleet.hook";

    private Hooked() {}

    static List<PlannedHook> hooks(Containers containers, List<DropletPlan> droplets) {
        DesiredState state = containers.state();
        List<PlannedHook> hooks = new ArrayList<>();
        for (ServiceSpec service : state.services()) {
            if (service.hooks().isEmpty() || !changes(service, droplets)) {
                continue;
            }
            service.hooks().preDeploy().ifPresent(hook ->
                    hooks.add(planned(containers, service, PlannedHook.PRE_DEPLOY, hook, false)));
            service.hooks().postDeploy().ifPresent(hook -> hooks.add(planned(containers, service,
                    PlannedHook.POST_DEPLOY, hook, service.hooks().rollbackOnFailure())));
        }
        return hooks;
    }

    private static boolean changes(ServiceSpec service, List<DropletPlan> droplets) {
        return droplets.stream().flatMap(d -> d.steps().stream())
                .anyMatch(s -> s instanceof Step.StartContainer start && start.container().name().equals(service.name())
                        || s instanceof Step.StartColour colour
                        && service.name().equals(colour.container().labels().get(FleetLabels.SERVICE)));
    }

    private static PlannedHook planned(Containers containers, ServiceSpec service, String kind, DeployHook hook,
            boolean rollbackOnFailure) {
        DesiredState state = containers.state();
        DropletSpec droplet = hook.droplet().map(state::droplet)
                .orElseGet(() -> state.droplets().stream().filter(service::runsOn).findFirst().orElseThrow());
        ImageRef image = state.desiredImage(droplet, service);
        Map<String, String> labels = new LinkedHashMap<>(service.labels());
        labels.put(HOOK_LABEL, service.name() + "/" + kind);
        labels.put(FleetLabels.DIGEST, image.digest());
        labels.put(FleetLabels.ROLLOUT, containers.run());
        ContainerSpec container = new ContainerSpec(service.name() + "-" + kind, image,
                state.container(droplet, service), labels);
        return new PlannedHook(service.name(), kind, droplet.name(), container, hook.command(), hook.timeout(),
                image.digest(), rollbackOnFailure);
    }

    /** The image pulls the hooks need where no turn pulls them already. */
    static List<Step> pulls(List<PlannedHook> hooks, List<Step> preflight) {
        List<Step> pulls = new ArrayList<>();
        for (PlannedHook hook : hooks) {
            Step pull = new Step.PullImage(hook.droplet(), (ImageRef) hook.container().image());
            if (!preflight.contains(pull) && !pulls.contains(pull)) {
                pulls.add(pull);
            }
        }
        return pulls;
    }
}
