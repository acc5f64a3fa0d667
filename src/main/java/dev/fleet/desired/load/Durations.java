package dev.fleet.desired.load;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the state file writes them: a whole number and a unit, {@code ms}, {@code s},
 * {@code m} or {@code h} ({@code 500ms}, {@code 5s}, {@code 2m}), more than zero and at most
 * {@link #LONGEST}. One form only, so that {@code 5} (seconds? milliseconds?) cannot be misread.
 */
public final class Durations {

    /** Longer than any wait fleet should make; a larger value is a typo (5000m for 5000ms). */
    static final Duration LONGEST = Duration.ofHours(24);

    static final String FORM_HINT = "write a whole number and a unit: 500ms, 5s, 2m or 1h";

    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
    private static final Pattern UNITLESS = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private Durations() {}

    /**
     * The duration {@code text} writes in fleet's one form (a whole number and a unit), or empty when
     * it is not in that form; no bound is checked. The command line reads its durations with it too.
     */
    public static Optional<Duration> read(String text) {
        Matcher matcher = FORM.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        });
    }

    /** The duration {@code text} means, or empty after a problem on {@code field}. */
    static Optional<Duration> parse(String text, Field field) {
        Optional<Duration> read = read(text);
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
