package dev.fleet.drift;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.observed.DropletObservation.Reached;
import dev.fleet.observed.ObservedContainer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The drift of the services a droplet runs beside the one the balancer fronts. Pure. Such a service
 * takes no traffic, so fleet cannot ask it over HTTP: it is healthy by its image's own health check
 * when it has one, else by having stayed up, without a restart, for its {@code min-uptime}.
 */
final class ServiceDriftDetector {

    private ServiceDriftDetector() {}

    /** Every service of {@code spec} but the fronted one, in roll order. */
    static List<ServiceDrift> others(DesiredState state, DropletSpec spec, Reached reached) {
        return state.servicesOn(spec).stream().filter(s -> !s.equals(state.service()))
                .map(s -> drift(state, spec, s, reached)).toList();
    }

    private static ServiceDrift drift(DesiredState state, DropletSpec spec, ServiceSpec service, Reached reached) {
        String desired = state.desiredImage(spec, service).digest();
        Optional<ObservedContainer> found = reached.containers().stream()
                .filter(c -> c.name().equals(service.name())).findFirst();
        if (found.isEmpty()) {
            return verdict(service, DropletStatus.MISSING, desired, Optional.empty(), "no container named "
                    + service.name(), List.of());
        }
        ObservedContainer c = found.get();
        if (!c.running()) {
            String exit = c.exitCode().map(code -> ", exit code " + code).orElse("");
            return new ServiceDrift(service.name(), service.role(), DropletStatus.STOPPED, desired, c.digest(),
                    Health.UNKNOWN, c.finishedAt(), "container " + service.name() + " is " + c.state() + exit
                    + (c.restartCount() > 0 ? ", restarted " + c.restartCount() + " times" : ""), List.of());
        }
        List<String> differences = c.config()
                .map(config -> ConfigDiff.differences(state.container(spec, service), config)).orElse(List.of());
        Optional<String> sick = sickness(service, c, reached);
        Health health = sick.isPresent() ? Health.FAILING : Health.HEALTHY;
        if (c.digest().isEmpty() || !c.digest().get().equals(desired)) {
            String running = c.digest().map(d -> "runs " + ImageRef.shortForm(d))
                    .orElse("runs an image with no registry digest (" + c.imageRef() + ")");
            return new ServiceDrift(service.name(), service.role(), DropletStatus.IMAGE_DRIFT, desired, c.digest(),
                    health, c.startedAt(), running + ", wants " + ImageRef.shortForm(desired)
                    + (differences.isEmpty() ? "" : "; its configuration differs too: " + String.join(", ", differences)),
                    differences);
        }
        if (!differences.isEmpty()) {
            return new ServiceDrift(service.name(), service.role(), DropletStatus.CONFIG_DRIFT, desired, c.digest(),
                    health, c.startedAt(), "runs the desired digest, but its configuration differs: "
                    + String.join(", ", differences), differences);
        }
        return new ServiceDrift(service.name(), service.role(),
                sick.isPresent() ? DropletStatus.UNHEALTHY : DropletStatus.IN_SYNC, desired, c.digest(), health,
                c.startedAt(), sick.orElse("runs the desired digest" + (c.restartCount() > 0
                        ? " (restarted " + c.restartCount() + " times)" : "")), List.of());
    }

    /** Why a running container does not count as healthy yet, if it does not. */
    static Optional<String> sickness(ServiceSpec service, ObservedContainer c, Reached reached) {
        if (c.dockerHealth().isPresent()) {
            String status = c.dockerHealth().get();
            return status.equals("healthy") ? Optional.empty()
                    : Optional.of("its image's health check says " + status);
        }
        Duration up = c.startedAt().map(started -> Duration.between(started, reached.observedAt()))
                .orElse(Duration.ZERO);
        if (up.compareTo(service.minUptime()) < 0) {
            return Optional.of("up for " + Math.max(0, up.toSeconds()) + " s" + (c.restartCount() > 0
                    ? " after " + c.restartCount() + " restarts" : "") + ", counts as healthy after its min-uptime of "
                    + service.minUptime().toSeconds() + " s");
        }
        return Optional.empty();
    }

    private static ServiceDrift verdict(ServiceSpec service, DropletStatus status, String desired,
            Optional<String> running, String reason, List<String> differences) {
        return new ServiceDrift(service.name(), service.role(), status, desired, running, Health.UNKNOWN,
                Optional.empty(), reason, differences);
    }
}
