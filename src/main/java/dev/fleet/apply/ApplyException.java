package dev.fleet.apply;

/**
 * Something that went wrong while changing a droplet: a Docker call refused, a droplet that stopped
 * answering. The message says what and where, never a secret.
 */
public class ApplyException extends Exception {

    private final boolean transientFailure;

    public ApplyException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public ApplyException(String message) {
        this(message, false, null);
    }

    /** Whether the same call may work if tried again later (a timeout, a dropped connection). */
    public boolean isTransient() {
        return transientFailure;
    }
}
