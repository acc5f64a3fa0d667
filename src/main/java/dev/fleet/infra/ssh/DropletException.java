package dev.fleet.infra.ssh;

import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.util.Objects;

/**
 * The one checked exception of the droplet edge (SSH, and the Docker engine behind it): a droplet
 * could not be reached, or stopped answering. It is an {@link IOException}, so callers that do not
 * care why can catch it as one; those that do read {@link #reason()} and {@link #isTransient()}.
 *
 * <p>The message is fit for a report: it names the droplet's address and what to do, and never holds
 * key material or a secret.
 */
public final class DropletException extends IOException {

    private final UnreachableReason reason;

    public DropletException(UnreachableReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public DropletException(UnreachableReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public UnreachableReason reason() {
        return reason;
    }

    /**
     * Whether trying again later may succeed without anyone changing anything: a droplet that is
     * rebooting refuses or times out for a while; a host key or a key that does not match stays so
     * until a person acts, so retrying it only repeats the refusal.
     */
    public boolean isTransient() {
        return isTransient(reason);
    }

    /** {@link #isTransient()} for a reason alone, for callers that only kept the reason. */
    public static boolean isTransient(UnreachableReason reason) {
        return switch (reason) {
            case REFUSED, TIMEOUT, DOCKER -> true;
            case AUTHENTICATION, HOST_KEY_UNKNOWN, HOST_KEY_CHANGED, OTHER -> false;
        };
    }
}
