package dev.fleet.drift;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ProxySpec;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.observed.DropletObservation.Reached;
import dev.fleet.observed.DropletObservation.Unreachable;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares the desired state with what was observed. Pure: the same inputs always give the same
 * report, and nothing here touches a droplet.
 */
public final class DriftDetector {

    private DriftDetector() {}

    public static DriftReport detect(DesiredState state, FleetObservation observation) {
        Map<String, DropletObservation> byDroplet = observation.droplets().stream()
                .collect(Collectors.toMap(DropletObservation::droplet, Function.identity()));
        List<DropletDrift> droplets = state.droplets().stream()
                .map(spec -> dropletDrift(state, spec, byDroplet.get(spec.name()), observation.balancer()))
                .toList();
        Optional<String> balancerProblem = observation.balancer() instanceof BalancerObservation.Unavailable u
                ? Optional.of(u.reason())
                : Optional.empty();
        return new DriftReport(state.file(), state.revision(), state.service().name(), observation.finishedAt(),
                droplets, balancerProblem);
    }

    private static DropletDrift dropletDrift(
            DesiredState state, DropletSpec spec, DropletObservation observed, BalancerObservation balancer) {
        String desired = state.desiredImage(spec).digest();
        Optional<String> balancerStatus = balancerStatus(balancer, spec.serverName());
        if (observed == null) {
            throw new IllegalArgumentException("no observation of droplet " + spec.name());
        }
        return switch (observed) {
            case Unreachable u -> new DropletDrift(spec.name(), DropletStatus.UNREACHABLE, desired, Optional.empty(),
                    Health.UNKNOWN, balancerStatus, Optional.empty(), "unreachable: " + u.detail(), List.of(), List.of(),
                    Optional.empty(), List.of(), Optional.of(u.reason()));
            case Reached r -> interrupted(reachedDrift(state, spec, r, desired, balancerStatus), r).withImages(r.images())
                    .withServices(ServiceDriftDetector.others(state, spec, r));
        };
    }

    /** Says so when an apply that did not finish left the droplet out of step; beside a droplet in sync, it is history. */
    private static DropletDrift interrupted(DropletDrift drift, Reached reached) {
        if (reached.intent().isEmpty() || drift.status() == DropletStatus.IN_SYNC) {
            return drift;
        }
        var intent = reached.intent().get();
        return new DropletDrift(drift.droplet(), drift.status(), drift.desiredDigest(), drift.runningDigest(),
                drift.health(), drift.balancer(), drift.since(), drift.reason() + "; apply run " + intent.run()
                + " did not finish here (its last step: " + intent.step() + "), fleet apply takes it up",
                drift.unmanaged(), drift.configDifferences(), drift.images());
    }

    private static DropletDrift reachedDrift(
            DesiredState state, DropletSpec spec, Reached reached, String desired, Optional<String> balancerStatus) {
        String service = state.service().name();
        boolean blueGreen = state.rollout().blueGreen();
        // Blue-green: the service's container is the colour the droplet's proxy sends requests to.
        Set<String> ours = blueGreen
                ? Set.of(ProxySpec.colour(service, ProxySpec.BLUE), ProxySpec.colour(service, ProxySpec.GREEN))
                : Set.of(service);
        Optional<String> live = blueGreen ? reached.route().flatMap(ProxyRoute::container) : Optional.of(service);
        Optional<ObservedContainer> container = reached.containers().stream()
                .filter(c -> live.isPresent() && c.name().equals(live.get())).findFirst();
        // Other services' containers are theirs; only those claiming this service and not it are unmanaged.
        List<UnmanagedContainer> unmanaged = new ArrayList<>(reached.containers().stream()
                .filter(c -> service.equals(c.labels().get(FleetLabels.SERVICE)) || c.name().equals(service))
                .filter(c -> !ours.contains(c.name()))
                .map(c -> new UnmanagedContainer(c.id(), c.name(), c.digest(), c.state()))
                .toList());
        unmanaged.addAll(leftovers(state, spec, reached));
        Health health = reached.health().map(h -> h.healthy() ? Health.HEALTHY : Health.FAILING).orElse(Health.UNKNOWN);

        if (container.isEmpty()) {
            String why = blueGreen
                    ? "nginx sends the requests of " + service + " to none of its colours: "
                            + reached.route().map(ProxyRoute::detail).orElse("it was not asked")
                    : "no container named " + service;
            return new DropletDrift(spec.name(), DropletStatus.MISSING, desired, Optional.empty(), health,
                    balancerStatus, Optional.empty(), why, unmanaged);
        }
        String idle = reached.containers().stream()
                .filter(c -> blueGreen && ours.contains(c.name()) && !c.name().equals(live.get()))
                .map(c -> "; " + c.name() + " (" + c.state() + ", not live) is still there").findFirst().orElse("");
        ObservedContainer c = container.get();
        if (!c.running()) {
            String exit = c.exitCode().map(code -> ", exit code " + code).orElse("");
            return new DropletDrift(spec.name(), DropletStatus.STOPPED, desired, c.digest(), Health.UNKNOWN,
                    balancerStatus, c.finishedAt(), "container " + service + " is " + c.state() + exit
                    + (c.restartCount() > 0 ? ", restarted " + c.restartCount() + " times" : ""), unmanaged);
        }
        List<String> differences = c.config().map(config -> ConfigDiff.differences(state.container(spec), config))
                .orElse(List.of());
        if (c.digest().isEmpty() || !c.digest().get().equals(desired)) {
            String running = c.digest().map(d -> "runs " + ImageRef.shortForm(d))
                    .orElse("runs an image with no registry digest (" + c.imageRef() + ")");
            String alsoConfig = differences.isEmpty() ? "" : "; its configuration differs too: " + String.join(", ", differences);
            return new DropletDrift(spec.name(), DropletStatus.IMAGE_DRIFT, desired, c.digest(), health,
                    balancerStatus, c.startedAt(), running + ", wants " + ImageRef.shortForm(desired) + alsoConfig,
                    unmanaged, differences);
        }
        if (!differences.isEmpty()) {
            return new DropletDrift(spec.name(), DropletStatus.CONFIG_DRIFT, desired, c.digest(), health,
                    balancerStatus, c.startedAt(), "runs the desired digest, but its configuration differs: "
                    + String.join(", ", differences) + idle, unmanaged, differences);
        }
        Optional<String> unhealthy = reached.health().filter(h -> !h.healthy()).map(HealthProbe::failures)
                .map(failures -> String.join("; ", failures));
        if (unhealthy.isPresent()) {
            return new DropletDrift(spec.name(), DropletStatus.UNHEALTHY, desired, c.digest(), health,
                    balancerStatus, c.startedAt(), unhealthy.get(), unmanaged);
        }
        if (balancerStatus.isPresent() && !inRotation(balancerStatus.get())) {
            return new DropletDrift(spec.name(), DropletStatus.UNHEALTHY, desired, c.digest(), health,
                    balancerStatus, c.startedAt(), "healthy on the droplet, but the balancer has it "
                    + balancerStatus.get(), unmanaged);
        }
        return new DropletDrift(spec.name(), DropletStatus.IN_SYNC, desired, c.digest(), health, balancerStatus,
                c.startedAt(), "runs the desired digest" + (c.restartCount() > 0
                        ? " (restarted " + c.restartCount() + " times)" : "") + idle, unmanaged);
    }

    /** This fleet's containers of services the state does not run on {@code spec}: removed, or moved away. */
    private static List<UnmanagedContainer> leftovers(DesiredState state, DropletSpec spec, Reached reached) {
        Set<String> placed = state.servicesOn(spec).stream().map(ServiceSpec::name).collect(Collectors.toSet());
        return reached.containers().stream()
                .filter(c -> state.service().name().equals(c.labels().get(FleetLabels.FLEET)))
                .filter(c -> c.labels().containsKey(FleetLabels.SERVICE)
                        && !placed.contains(c.labels().get(FleetLabels.SERVICE)))
                .map(c -> new UnmanagedContainer(c.id(), c.name(), c.digest(), c.state(),
                        Optional.of(c.labels().get(FleetLabels.SERVICE))))
                .toList();
    }

    private static Optional<String> balancerStatus(BalancerObservation balancer, String server) {
        if (balancer instanceof BalancerObservation.Servers servers) {
            var serverState = servers.servers().get(server);
            return Optional.of(serverState == null ? "not in backend" : serverState.status());
        }
        return Optional.empty();
    }

    /** HAProxy says "UP", or "UP 1/2" while failing checks but still taking traffic. */
    private static boolean inRotation(String status) {
        return status.startsWith("UP");
    }
}
