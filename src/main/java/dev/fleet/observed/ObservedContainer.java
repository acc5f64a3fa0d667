package dev.fleet.observed;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A container on a droplet, as its Docker engine reports it.
 *
 * @param id           the container id
 * @param name         its name, without Docker's leading slash
 * @param digest       the registry digest of its image ({@code sha256:...}): from the digest in the
 *                     reference it was created from, else from the image's RepoDigests; empty when
 *                     the image has none (built locally, never pushed). Not the image id.
 * @param imageId      the image id (the config digest), which is not what a registry calls the digest
 * @param imageRef     the image reference it was created from, as written
 * @param state        Docker's state: created, running, paused, restarting, removing, exited, dead
 * @param restartCount how often Docker restarted it
 * @param exitCode     its last exit code, when it has exited
 * @param startedAt    when it last started
 * @param finishedAt   when it last stopped
 * @param labels       all its labels
 * @param tcpPorts     its published TCP ports: the container's port to the droplet's port, for
 *                     those Docker has bound (a running container)
 * @param config       how it is set up, as the engine reports it; empty when it was not read
 * @param dockerHealth the status of its image's own health check ({@code starting}, {@code healthy},
 *                     {@code unhealthy}); empty when the image has none
 */
public record ObservedContainer(
        String id,
        String name,
        Optional<String> digest,
        String imageId,
        String imageRef,
        String state,
        int restartCount,
        Optional<Integer> exitCode,
        Optional<Instant> startedAt,
        Optional<Instant> finishedAt,
        Map<String, String> labels,
        Map<Integer, Integer> tcpPorts,
        Optional<ObservedConfig> config,
        Optional<String> dockerHealth) {

    public ObservedContainer {
        labels = Map.copyOf(labels);
        tcpPorts = Map.copyOf(tcpPorts);
    }

    /** A container whose image has no health check of its own. */
    public ObservedContainer(String id, String name, Optional<String> digest, String imageId, String imageRef,
            String state, int restartCount, Optional<Integer> exitCode, Optional<Instant> startedAt,
            Optional<Instant> finishedAt, Map<String, String> labels, Map<Integer, Integer> tcpPorts,
            Optional<ObservedConfig> config) {
        this(id, name, digest, imageId, imageRef, state, restartCount, exitCode, startedAt, finishedAt, labels,
                tcpPorts, config, Optional.empty());
    }

    /** A container whose configuration was not read. */
    public ObservedContainer(String id, String name, Optional<String> digest, String imageId, String imageRef,
            String state, int restartCount, Optional<Integer> exitCode, Optional<Instant> startedAt,
            Optional<Instant> finishedAt, Map<String, String> labels, Map<Integer, Integer> tcpPorts) {
        this(id, name, digest, imageId, imageRef, state, restartCount, exitCode, startedAt, finishedAt, labels,
                tcpPorts, Optional.empty());
    }

    /** A container that publishes no port. */
    public ObservedContainer(String id, String name, Optional<String> digest, String imageId, String imageRef,
            String state, int restartCount, Optional<Integer> exitCode, Optional<Instant> startedAt,
            Optional<Instant> finishedAt, Map<String, String> labels) {
        this(id, name, digest, imageId, imageRef, state, restartCount, exitCode, startedAt, finishedAt, labels,
                Map.of());
    }

    public boolean running() {
        return state.equals("running");
    }
}
