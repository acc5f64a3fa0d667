package dev.fleet.desired;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Takes an environment's secret values out of a text that a process given that environment wrote
 * (a deploy hook's output), before the text is shown, reported or kept: each occurrence becomes
 * {@code [secret NAME]}, NAME being the variable's.
 *
 * <p>A value shorter than {@value #MIN_LENGTH} characters is left alone: a secret {@code "1"} or
 * {@code "on"} would otherwise mangle every number and word of the output, while saying next to
 * nothing of the secret. Longer values are replaced first, so a secret that contains another is
 * replaced whole; two variables with the same value are named by the first in the environment's
 * order. Plain values are never touched: they are in the state file for anyone to read.
 */
public final class SecretRedaction {

    /** Shorter secret values are not redacted (see above). */
    public static final int MIN_LENGTH = 4;

    private record Known(String name, String value) {}

    private final List<Known> secrets;

    private SecretRedaction(List<Known> secrets) {
        this.secrets = secrets;
    }

    /** The redaction of {@code environment}'s secret values. */
    public static SecretRedaction of(Map<String, EnvValue> environment) {
        List<Known> secrets = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (value instanceof EnvValue.SecretValue secret && secret.value().reveal().length() >= MIN_LENGTH) {
                secrets.add(new Known(name, secret.value().reveal()));
            }
        });
        // Stable: among values of one length, the environment's order decides.
        secrets.sort(Comparator.comparingInt((Known known) -> known.value().length()).reversed());
        return new SecretRedaction(List.copyOf(secrets));
    }

    /**
     * {@code text} with every secret value replaced by {@code [secret NAME]}, in one pass from the
     * start: what a replacement writes is never searched again (a secret {@code "secret"} leaves the
     * other secrets' marks alone).
     */
    public String redact(String text) {
        if (secrets.isEmpty()) {
            return text;
        }
        StringBuilder redacted = new StringBuilder(text.length());
        int at = 0;
        while (at < text.length()) {
            Known found = null;
            for (Known secret : secrets) {
                if (text.startsWith(secret.value(), at)) {
                    found = secret;
                    break;
                }
            }
            if (found == null) {
                redacted.append(text.charAt(at++));
            } else {
                redacted.append("[secret ").append(found.name()).append(']');
                at += found.value().length();
            }
        }
        return redacted.toString();
    }

    /**
     * The most UTF-8 bytes one secret value takes, less one: how much more than it keeps a bounded
     * tail of output must hold so that a secret cut by the tail's start is still whole in it, and
     * can be redacted before the tail is cut to its size.
     */
    public int overlap() {
        return secrets.stream().mapToInt(secret -> secret.value().getBytes(StandardCharsets.UTF_8).length - 1)
                .max().orElse(0);
    }
}
