package dev.fleet.dns;

import java.io.IOException;
import java.util.Objects;

/**
 * The one checked exception of the DNS layer: a provider could not be asked, or said no. It is an
 * {@link IOException}, so callers that do not care why can catch it as one; those that do read
 * {@link #reason()} and {@link #isTransient()}.
 *
 * <p>The message says what is wrong and what to do. It may name the variable an API token came
 * from, never the token.
 */
public final class DnsException extends IOException {

    /** Why a call failed. */
    public enum Reason {
        /** No connection: refused, reset, no route, TLS failed. */
        UNREACHABLE,
        /** No answer within the timeout. */
        TIMEOUT,
        /** The provider asked us to slow down (HTTP 429). */
        RATE_LIMITED,
        /** The provider failed (HTTP 5xx). */
        SERVER_ERROR,
        /** The credentials were refused (HTTP 401, 403). */
        CREDENTIALS,
        /** The provider has no such zone (HTTP 404 on the zone). */
        ZONE_UNKNOWN,
        /** The provider understood the change and refused it (HTTP 400, 422), or fleet would not send it. */
        REJECTED,
        /** An answer fleet cannot read: not JSON, not the documented shape, a redirect. */
        UNEXPECTED_ANSWER
    }

    private final Reason reason;

    public DnsException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public DnsException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Whether the same call may succeed later with nobody changing anything: a provider that is
     * down, slow or rate limiting comes back by itself; a refused token, an unknown zone or a
     * rejected record stay so until a person acts, so retrying only repeats the refusal.
     */
    public boolean isTransient() {
        return switch (reason) {
            case UNREACHABLE, TIMEOUT, RATE_LIMITED, SERVER_ERROR -> true;
            case CREDENTIALS, ZONE_UNKNOWN, REJECTED, UNEXPECTED_ANSWER -> false;
        };
    }
}
