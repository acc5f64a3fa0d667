package dev.fleet.desired;

import java.util.List;
import java.util.Map;

/**
 * The service every droplet runs: one container of a deterministic name.
 *
 * @param name      the container's name on each droplet, and the value of fleet's service label
 * @param image     the image by digest for the whole fleet; a droplet may override it
 * @param container its ports, environment, restart policy and the user's labels
 */
public record ServiceSpec(String name, ImageRef image, ContainerSettings container) {

    public ServiceSpec(String name, ImageRef image, List<PortMapping> ports, Map<String, EnvValue> environment,
            String restart, Map<String, String> labels) {
        this(name, image, new ContainerSettings(ports, environment, restart, labels));
    }

    /** Shorthand for {@code container().ports()}. */
    public List<PortMapping> ports() {
        return container.ports();
    }

    /** Shorthand for {@code container().environment()}. */
    public Map<String, EnvValue> environment() {
        return container.environment();
    }

    /** Shorthand for {@code container().restart()}. */
    public String restart() {
        return container.restart();
    }

    /** Shorthand for {@code container().labels()}. */
    public Map<String, String> labels() {
        return container.labels();
    }
}
