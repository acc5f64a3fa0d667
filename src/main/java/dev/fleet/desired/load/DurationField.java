package dev.fleet.desired.load;

import dev.fleet.desired.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A duration field of the state file: in the one form {@link Durations#read} reads, more than zero
 * and at most {@link #LONGEST}; anything else is a problem at the field's position.
 */
final class DurationField {

    /** Longer than any wait fleet should make; a larger value is a typo (5000m for 5000ms). */
    static final Duration LONGEST = Duration.ofHours(24);

    static final String FORM_HINT = "write a whole number and a unit: 500ms, 5s, 2m or 1h";

    private static final Pattern UNITLESS = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private DurationField() {}

    /** The duration {@code text} means, or empty after a problem on {@code field}. */
    static Optional<Duration> parse(String text, Field field) {
        Optional<Duration> read = Durations.read(text);
        if (read.isEmpty()) {
            if (UNITLESS.matcher(text).matches()) {
                field.problem(Text.quote(text) + " has no unit", FORM_HINT + " (" + text + "s for seconds)");
            } else if (text.startsWith("-")) {
                field.problem(Text.quote(text) + " is negative; a duration is more than zero", FORM_HINT);
            } else {
                field.problem(Text.quote(text) + " is not a duration", FORM_HINT);
            }
            return Optional.empty();
        }
        Duration duration = read.get();
        if (duration.isZero()) {
            field.problem(Text.quote(text) + " is zero; a duration is more than zero", FORM_HINT);
            return Optional.empty();
        }
        if (duration.compareTo(LONGEST) > 0) {
            field.problem(Text.quote(text) + " is longer than 24h, the longest fleet accepts");
            return Optional.empty();
        }
        return Optional.of(duration);
    }
}
