package dev.fleet.drift;

import dev.fleet.observed.ImageUse;
import dev.fleet.observed.UnreachableReason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The drift of one droplet: what git wants, what runs, and the verdict.
 *
 * @param droplet        the droplet's name
 * @param status         the verdict
 * @param desiredDigest  the digest the state names for this droplet
 * @param runningDigest  the digest its service container runs, when known
 * @param health         the app's health seen from the droplet
 * @param balancer       the balancer's status of this droplet, when the balancer can be asked
 * @param since          since when this has been so: the container's start (or stop) time
 * @param reason         one human sentence explaining the status (never a secret)
 * @param unmanaged      other containers claiming the service on this droplet
 * @param configDifferences how its container's configuration differs from the state's, key by key
 *                      ({@code environment.API_TOKEN changed}); never a secret's value
 * @param images        the service's images on the droplet and their size, when they were listed
 * @param services      the other services it runs (workers, accessories), in roll order; empty for
 *                      a droplet not reached, or with the fronted service alone
 * @param unreachableReason why it could not be observed, as a code for programs (the reason says it in
 *                      words); empty for a droplet reached
 */
public record DropletDrift(
        String droplet,
        DropletStatus status,
        String desiredDigest,
        Optional<String> runningDigest,
        Health health,
        Optional<String> balancer,
        Optional<Instant> since,
        String reason,
        List<UnmanagedContainer> unmanaged,
        List<String> configDifferences,
        Optional<ImageUse> images,
        List<ServiceDrift> services,
        Optional<UnreachableReason> unreachableReason) {

    public DropletDrift {
        unmanaged = List.copyOf(unmanaged);
        configDifferences = List.copyOf(configDifferences);
        services = List.copyOf(services);
    }

    /** A droplet that was reached, or whose reason is not known as a code. */
    public DropletDrift(String droplet, DropletStatus status, String desiredDigest, Optional<String> runningDigest,
            Health health, Optional<String> balancer, Optional<Instant> since, String reason,
            List<UnmanagedContainer> unmanaged, List<String> configDifferences, Optional<ImageUse> images,
            List<ServiceDrift> services) {
        this(droplet, status, desiredDigest, runningDigest, health, balancer, since, reason, unmanaged,
                configDifferences, images, services, Optional.empty());
    }

    /** A droplet that runs the fronted service alone. */
    public DropletDrift(String droplet, DropletStatus status, String desiredDigest, Optional<String> runningDigest,
            Health health, Optional<String> balancer, Optional<Instant> since, String reason,
            List<UnmanagedContainer> unmanaged, List<String> configDifferences, Optional<ImageUse> images) {
        this(droplet, status, desiredDigest, runningDigest, health, balancer, since, reason, unmanaged,
                configDifferences, images, List.of());
    }

    /** A droplet whose images were not listed. */
    public DropletDrift(String droplet, DropletStatus status, String desiredDigest, Optional<String> runningDigest,
            Health health, Optional<String> balancer, Optional<Instant> since, String reason,
            List<UnmanagedContainer> unmanaged, List<String> configDifferences) {
        this(droplet, status, desiredDigest, runningDigest, health, balancer, since, reason, unmanaged,
                configDifferences, Optional.empty());
    }

    /** The same verdict, with the droplet's images. */
    public DropletDrift withImages(Optional<ImageUse> use) {
        return new DropletDrift(droplet, status, desiredDigest, runningDigest, health, balancer, since, reason,
                unmanaged, configDifferences, use, services, unreachableReason);
    }

    /** The same verdict on the fronted service, with the other services' drift. */
    public DropletDrift withServices(List<ServiceDrift> others) {
        return new DropletDrift(droplet, status, desiredDigest, runningDigest, health, balancer, since, reason,
                unmanaged, configDifferences, images, others, unreachableReason);
    }

    /** A droplet whose container's configuration is as the state wants, or was not compared. */
    public DropletDrift(String droplet, DropletStatus status, String desiredDigest, Optional<String> runningDigest,
            Health health, Optional<String> balancer, Optional<Instant> since, String reason,
            List<UnmanagedContainer> unmanaged) {
        this(droplet, status, desiredDigest, runningDigest, health, balancer, since, reason, unmanaged, List.of());
    }

    /** In sync, healthy, and alone, every service of it: nothing to report. */
    public boolean clean() {
        return status == DropletStatus.IN_SYNC && unmanaged.isEmpty()
                && services.stream().allMatch(s -> s.status() == DropletStatus.IN_SYNC);
    }
}
