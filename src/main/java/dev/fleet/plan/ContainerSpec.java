package dev.fleet.plan;

import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.PortMapping;
import dev.fleet.observed.FleetLabels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A container exactly as a start step creates it: the planner works it out whole, {@code fleet plan}
 * shows it, the executor hands it to the droplet. Its environment may hold secrets: they stay
 * {@link dev.fleet.desired.Secret}s until the one call that hands them to Docker.
 *
 * @param name     the container's name: the service's, or a blue-green colour's
 * @param image    what to create it from
 * @param settings everything else about it: ports, environment, command, volumes, networks, limits...
 *                 (its labels are the state's only)
 * @param labels   the state's labels, then fleet's own ({@link FleetLabels}): the ones it is created with
 */
public record ContainerSpec(String name, ImageSource image, ContainerSettings settings, Map<String, String> labels) {

    public ContainerSpec {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A container with only ports, environment, restart policy and labels set. */
    public ContainerSpec(String name, ImageSource image, List<PortMapping> ports, Map<String, EnvValue> environment,
            String restart, Map<String, String> labels) {
        this(name, image, new ContainerSettings(ports, environment, restart, labels.entrySet().stream()
                .filter(label -> !label.getKey().startsWith("fleet."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new))),
                labels);
    }

    public List<PortMapping> ports() {
        return settings.ports();
    }

    public Map<String, EnvValue> environment() {
        return settings.environment();
    }

    public String restart() {
        return settings.restart();
    }

    /** The registry digest the container runs, as its {@link FleetLabels#DIGEST} label says, when known. */
    public Optional<String> digest() {
        return Optional.ofNullable(labels.get(FleetLabels.DIGEST));
    }
}
