package dev.fleet.desired.pin;

import java.io.IOException;

/**
 * Why {@code fleet set-image} could not pin an image, with what to do about it. The message never
 * holds a password or a registry token.
 */
public final class ImagePinException extends IOException {

    /** What went wrong, for callers that tell the cases apart. */
    public enum Reason {
        /** The IMAGE argument is not an image reference. */
        BAD_IMAGE,
        /** The registry could not be reached, or did not answer in time. */
        UNREACHABLE,
        /** The registry has no such repository or tag. */
        NOT_FOUND,
        /** The registry wants credentials and the state has none for it. */
        NEEDS_CREDENTIALS,
        /** The registry refused the credentials it was given. */
        CREDENTIALS_REFUSED,
        /** Plain http to another machine, which would expose the credentials. */
        PLAIN_HTTP_REFUSED,
        /** The registry answered something fleet cannot use. */
        BAD_ANSWER,
        /** --commit, and the state file has changes of its own not committed yet. */
        UNCOMMITTED_CHANGES,
        /** Writing the file or committing it failed. */
        NOT_SAVED
    }

    private final Reason reason;
    private final String hint;

    public ImagePinException(Reason reason, String message, String hint) {
        super(message);
        this.reason = reason;
        this.hint = hint;
    }

    public Reason reason() {
        return reason;
    }

    /** What to do about it. */
    public String hint() {
        return hint;
    }
}
