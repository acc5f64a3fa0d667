package dev.fleet.plan;

import dev.fleet.desired.Durations;
import java.time.Duration;
import java.util.List;

/**
 * A deploy hook an apply runs, once: a service's {@code pre-deploy} hook before any droplet is
 * drained, its {@code post-deploy} hook after the last one converged. Planned for a service that
 * changes somewhere in the apply, on its new image.
 *
 * @param service           the service whose hook it is
 * @param kind              {@link #PRE_DEPLOY} or {@link #POST_DEPLOY}
 * @param droplet           where it runs
 * @param container         the one-off container: the service's settings, on its new image, under the
 *                          hook's own name and without fleet's service label (it is not the service)
 * @param command           what it runs, replacing the image's command
 * @param timeout           how long it may run
 * @param digest            the digest of the image it runs: a hook that succeeded for this digest is
 *                          not run again
 * @param rollbackOnFailure whether a failed post-deploy hook rolls back every droplet the apply moved
 */
public record PlannedHook(
        String service,
        String kind,
        String droplet,
        ContainerSpec container,
        List<String> command,
        Duration timeout,
        String digest,
        boolean rollbackOnFailure) {

    public static final String PRE_DEPLOY = "pre-deploy";
    public static final String POST_DEPLOY = "post-deploy";

    public PlannedHook {
        command = List.copyOf(command);
    }

    public boolean preDeploy() {
        return kind.equals(PRE_DEPLOY);
    }

    /** In words, for the plan, the progress lines and the history. */
    public String describe() {
        return kind + " hook of " + service + " on " + droplet + ": " + String.join(" ", command) + " (at most "
                + Durations.setting(timeout) + ")";
    }
}
