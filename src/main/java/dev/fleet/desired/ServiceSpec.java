package dev.fleet.desired;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One service of the fleet: a container of a deterministic name on each droplet it runs on.
 *
 * @param name      the container's name on each droplet, and the value of fleet's service label
 * @param image     the image by digest for the whole fleet; a droplet may override a traffic service's
 * @param container its ports, environment, restart policy and the user's labels
 * @param role      how it rolls: behind the balancer, as a worker, or as an accessory
 * @param placement which droplets it runs on
 * @param minUptime how long a worker or accessory without a health check of its image's own must
 *                  stay up, without a restart, to count as healthy
 * @param hooks     what runs once around an apply that changes it
 */
public record ServiceSpec(String name, ImageRef image, ContainerSettings container, ServiceRole role,
        Placement placement, Duration minUptime, Hooks hooks) {

    /** A worker's or accessory's {@code min-uptime} unless the state says otherwise. */
    public static final Duration DEFAULT_MIN_UPTIME = Duration.ofSeconds(5);

    /** The single {@code service:} form: behind the balancer, on every droplet, no hooks. */
    public ServiceSpec(String name, ImageRef image, ContainerSettings container) {
        this(name, image, container, ServiceRole.TRAFFIC, Placement.EVERYWHERE, DEFAULT_MIN_UPTIME, Hooks.NONE);
    }

    public ServiceSpec(String name, ImageRef image, List<PortMapping> ports, Map<String, EnvValue> environment,
            String restart, Map<String, String> labels) {
        this(name, image, new ContainerSettings(ports, environment, restart, labels));
    }

    /** Whether it runs on {@code droplet}. */
    public boolean runsOn(DropletSpec droplet) {
        return placement.includes(droplet);
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
