package dev.fleet.cloud;

import java.io.IOException;
import java.util.Objects;

/**
 * The one checked exception of a cloud's load balancer API: it could not be asked, or said no. The
 * message says what is wrong and what to do; it may name the variable the API token came from,
 * never the token.
 */
public final class CloudApiException extends IOException {

    /** Why a call failed. */
    public enum Reason {
        /** No connection: refused, reset, no route, TLS failed. */
        UNREACHABLE,
        /** No whole answer within the timeout. */
        TIMEOUT,
        /** The API asked fleet to slow down (HTTP 429) for longer than fleet waits, or too often. */
        RATE_LIMITED,
        /** The API failed (HTTP 5xx), every time fleet tried. */
        SERVER_ERROR,
        /** The token was refused (HTTP 401), or may not do this (HTTP 403). */
        CREDENTIALS,
        /** No such balancer, or no such droplet (HTTP 404). */
        NOT_FOUND,
        /** The API understood the request and refused it (HTTP 400, 422). */
        REJECTED,
        /** An answer fleet cannot read: not JSON, not the documented shape, a redirect, too large. */
        UNEXPECTED_ANSWER
    }

    private final Reason reason;

    public CloudApiException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public CloudApiException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Whether the same call may succeed later with nobody changing anything: an API that is down,
     * slow or rate limiting comes back by itself; a refused token, an unknown balancer or a rejected
     * change stay so until a person acts.
     */
    public boolean isTransient() {
        return switch (reason) {
            case UNREACHABLE, TIMEOUT, RATE_LIMITED, SERVER_ERROR -> true;
            case CREDENTIALS, NOT_FOUND, REJECTED, UNEXPECTED_ANSWER -> false;
        };
    }
}
