package dev.fleet.infra.http;

import dev.fleet.desired.Secret;
import java.util.Objects;

/**
 * An HTTP API's credential (a DNS provider's, a cloud's) and where it came from. Messages name {@link #variable()} (so people
 * know what to fix) and never the value; {@code toString()} shows the value as {@value
 * Secret#REDACTED}.
 *
 * @param variable where the token came from, as people set it: {@code CLOUDFLARE_API_TOKEN}, say
 * @param secret   the token itself
 */
public record ApiToken(String variable, Secret secret) {

    public ApiToken {
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(secret, "secret");
        if (secret.reveal().isBlank()) {
            throw new IllegalArgumentException(variable + " is empty: set it to the API token");
        }
        if (secret.reveal().chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            // A header value cannot carry them, and saying which character would reveal part of the token.
            throw new IllegalArgumentException(variable + " holds spaces, line breaks or non-ASCII characters:"
                    + " an API token has none (was it pasted with a newline?)");
        }
    }

    /** {@code text} with every occurrence of the token replaced by {@value Secret#REDACTED}. */
    public String redact(String text) {
        return text == null ? null : text.replace(secret.reveal(), Secret.REDACTED);
    }
}
