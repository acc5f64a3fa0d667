package dev.fleet.infra.droplet.containers;

import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.ObservedContainer;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The container of a service on a droplet that an exec or the logs go to: the running one (the one
 * named after the service first: during a swap the old and the new both run for a moment), else the
 * one that ran last, whose logs are still there.
 *
 * @param id      the container's id
 * @param name    its name
 * @param running whether it runs now
 * @param tty     whether it was created with a TTY: then its output is one raw stream, not frames
 */
public record ServiceContainer(String id, String name, boolean running, boolean tty) {

    /** The service's container on the droplet of {@code connection}, if it has any. */
    public static Optional<ServiceContainer> find(DropletConnection connection, String service) throws DropletException {
        List<ObservedContainer> containers = new ContainerReader(connection).read(service);
        Comparator<ObservedContainer> preferred = Comparator
                .comparing((ObservedContainer c) -> !c.state().equals("running"))
                .thenComparing(c -> !c.name().equals(service))
                .thenComparing(c -> c.startedAt().orElse(Instant.EPOCH), Comparator.reverseOrder());
        Optional<ObservedContainer> chosen = containers.stream().min(preferred);
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        ObservedContainer container = chosen.get();
        boolean tty = connection.inspectContainer(container.id())
                .map(inspected -> inspected.tree().path("Config").path("Tty").asBoolean(false)).orElse(false);
        return Optional.of(new ServiceContainer(container.id(), container.name(), container.state().equals("running"), tty));
    }
}
