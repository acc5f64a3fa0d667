package dev.fleet.desired;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A one-off container run from a service's new image, with the service's environment, volumes and
 * networks, on one droplet, around an apply that changes the service: a migration before any
 * droplet is drained ({@code pre-deploy}), a smoke test after the last one converged ({@code
 * post-deploy}). It must exit 0 within {@code timeout}; it runs once per apply, not once per
 * droplet, and its exit code and the tail of its output go into the apply's report and history.
 *
 * @param command  the command and its arguments (never through a shell unless it names one)
 * @param timeout  how long it may run; then it is killed and counts as failed
 * @param droplet  the droplet it runs on; by default the first droplet the service runs on
 */
public record DeployHook(List<String> command, Duration timeout, Optional<String> droplet) {

    public DeployHook {
        command = List.copyOf(command);
    }

    /** A hook's timeout unless the state says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
}
