package dev.fleet.drift;

import dev.fleet.desired.ServiceRole;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The drift of one service on one droplet, beside the service the balancer fronts (whose drift is
 * the droplet's own, {@link DropletDrift}): a worker's or an accessory's.
 *
 * @param service           the service's name (its container's)
 * @param role              how it rolls
 * @param status            the verdict, as for a droplet: {@code UNHEALTHY} when its image's own health
 *                          check fails, or it has not yet stayed up for its {@code min-uptime}
 * @param desiredDigest     the digest the state names
 * @param runningDigest     the digest its container runs, when known
 * @param health            its image's health check, or its uptime, as far as fleet can tell
 * @param since             when its container started (or stopped)
 * @param reason            one human sentence explaining the status (never a secret)
 * @param configDifferences how its container differs from the state's, key by key
 */
public record ServiceDrift(
        String service,
        ServiceRole role,
        DropletStatus status,
        String desiredDigest,
        Optional<String> runningDigest,
        Health health,
        Optional<Instant> since,
        String reason,
        List<String> configDifferences) {

    public ServiceDrift {
        configDifferences = List.copyOf(configDifferences);
    }
}
