package dev.fleet.plan;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.ObservedConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a plan's containers are made from the state's service: its settings, fleet's labels
 * (the service, the digest, the run, and on a forward step what it replaces).
 *
 * @param state the desired state
 * @param run   the run id of the apply that performs the plan, recorded on each container it starts
 */
record Containers(DesiredState state, String run) {

    /** What a forward step replaces, recorded on the new container; none on a rollback's. */
    record Replaces(Optional<ImageSource> image, Optional<String> digest) {

        static final Replaces NOTHING = new Replaces(Optional.empty(), Optional.empty());
    }

    /** {@code droplet}'s service container, from {@code image} (its registry {@code digest}, when known). */
    ContainerSpec service(DropletSpec droplet, ImageSource image, Optional<String> digest, Replaces replaces) {
        return new ContainerSpec(state.service().name(), image, state.container(droplet), labels(digest, replaces));
    }

    /** {@code droplet}'s container of {@code running}, one of the state's services, as {@link #service} says. */
    ContainerSpec service(DropletSpec droplet, ServiceSpec running, ImageSource image, Optional<String> digest,
            Replaces replaces) {
        return new ContainerSpec(running.name(), image, state.container(droplet, running),
                labels(running, digest, replaces));
    }

    /** What {@code running} ran before, exactly as its engine reported it, as {@link #previous} says. */
    ContainerSpec previous(ServiceSpec running, ImageSource image, Optional<String> digest, ObservedConfig config) {
        Map<String, String> labels = new LinkedHashMap<>(config.settings().labels());
        labels.putAll(labels(running, digest, Replaces.NOTHING));
        return new ContainerSpec(running.name(), image, config.settings(), labels);
    }

    /** A blue-green colour: the droplet's container under the colour's name (its app port on a free loopback port only). */
    ContainerSpec colour(DropletSpec droplet, String colour, ImageSource image, Optional<String> digest,
            Replaces replaces) {
        return new ContainerSpec(colour, image, state.container(droplet), labels(digest, replaces));
    }

    /**
     * The container a droplet ran before, exactly as its engine reported it (its environment, ports,
     * volumes, labels...), from {@code image}: what a rollback recreates.
     */
    ContainerSpec previous(ImageSource image, Optional<String> digest, ObservedConfig config) {
        Map<String, String> labels = new LinkedHashMap<>(config.settings().labels());
        labels.putAll(labels(digest, Replaces.NOTHING));
        return new ContainerSpec(state.service().name(), image, config.settings(), labels);
    }

    private Map<String, String> labels(Optional<String> digest, Replaces replaces) {
        return labels(state.service(), digest, replaces);
    }

    private Map<String, String> labels(ServiceSpec running, Optional<String> digest, Replaces replaces) {
        Map<String, String> labels = new LinkedHashMap<>(running.labels());
        labels.put(FleetLabels.SERVICE, running.name());
        labels.put(FleetLabels.FLEET, state.service().name());
        digest.filter(d -> !d.isEmpty()).ifPresent(d -> labels.put(FleetLabels.DIGEST, d));
        labels.put(FleetLabels.ROLLOUT, run);
        replaces.image().ifPresent(image -> labels.put(FleetLabels.REPLACES, image.reference()));
        replaces.digest().ifPresent(d -> labels.put(FleetLabels.REPLACES_DIGEST, d));
        return labels;
    }
}
