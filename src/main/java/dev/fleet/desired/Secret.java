package dev.fleet.desired;

import java.util.Objects;

/**
 * A value that must never be printed: its {@code toString()} redacts it, so a secret that reaches a
 * log line, an exception message or a report by accident shows as {@value #REDACTED}.
 * Only {@link #reveal()} gives the value, at the one place that hands it to a droplet.
 */
public final class Secret {

    public static final String REDACTED = "******";

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return REDACTED;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
