package dev.fleet.plan;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.LocalImage;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.observed.ObservedContainer;
import java.time.Duration;
import java.util.Optional;

/** How the planners stop a container and start a previous one again. Pure. */
final class PreviousContainers {

    private PreviousContainers() {}

    /** How long a container has to stop on SIGTERM before it is killed (Docker's default). */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /** The stop call blocks for the grace period, and must return within the command timeout. */
    static Duration grace(DesiredState state, ServiceSpec service) {
        Optional<Duration> configured = service.container().stopGrace();
        if (configured.isPresent()) {
            return configured.get(); // the state file's reader keeps it under the command timeout
        }
        return defaultGrace(state);
    }

    /** Docker's grace, or half the command timeout when that is shorter. */
    static Duration defaultGrace(DesiredState state) {
        Duration halfTimeout = state.ssh().commandTimeout().dividedBy(2);
        return halfTimeout.compareTo(STOP_GRACE) < 0 ? halfTimeout : STOP_GRACE;
    }

    /**
     * What to start a previous container's image from: {@code repository@digest} when its registry
     * digest is known (so that the new container still says which digest it runs), else its local
     * image id. Either is on the droplet already: images are never removed.
     */
    static ImageSource image(ObservedContainer previous) {
        String reference = previous.imageRef();
        if (reference.startsWith("sha256:")) {
            return new LocalImage(previous.imageId()); // created from an image id: no repository to name a digest in
        }
        int at = reference.indexOf('@');
        String repository = at >= 0 ? reference.substring(0, at) : withoutTag(reference);
        Optional<String> digest = previous.digest().filter(d -> ImageRef.DIGEST.matcher(d).matches());
        if (digest.isPresent() && !repository.isEmpty()) {
            return new ImageRef(repository, digest.get());
        }
        return new LocalImage(previous.imageId());
    }

    private static String withoutTag(String reference) {
        int colon = reference.lastIndexOf(':');
        return colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
    }
}
