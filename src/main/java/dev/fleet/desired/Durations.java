package dev.fleet.desired;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in words, read and written in the few forms fleet uses, so that every message, report
 * and plan writes them alike. The state file's form is a whole number and a unit, {@code ms},
 * {@code s}, {@code m} or {@code h} ({@code 500ms}, {@code 5s}, {@code 2m}): one form only, so that
 * {@code 5} (seconds? milliseconds?) cannot be misread.
 */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

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

    /** A setting as the state file would write it: {@code 5s}, {@code 2.5s}, {@code 250ms}. */
    public static String setting(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis % 100 == 0 ? String.format(Locale.ROOT, "%.1fs", millis / 1000.0) : millis + "ms";
    }

    /** How long something took, to a tenth of a second: {@code 3.4s}. */
    public static String took(Duration duration) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }

    /** An estimate, to the second: {@code 45s}, {@code 3m 10s}. */
    public static String estimate(Duration duration) {
        long seconds = Math.round(duration.toMillis() / 1000.0);
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m " + seconds % 60 + "s";
    }

    /** A timeout in a message: {@code 250ms}, {@code 1.5s}, {@code 90s}, {@code 2m}. */
    public static String timeout(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }
}
