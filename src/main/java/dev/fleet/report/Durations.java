package dev.fleet.report;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/** Durations in words, each form for one purpose, so that every report writes them alike. */
public final class Durations {

    private Durations() {}

    /** How long something took, to a tenth of a second: {@code 3.4s}. */
    public static String took(Duration duration) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }

    /** A setting as the state file would write it: {@code 5s}, {@code 2.5s}, {@code 250ms}. */
    public static String setting(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis % 100 == 0 ? String.format(Locale.ROOT, "%.1fs", millis / 1000.0) : millis + "ms";
    }

    /** An estimate, to the second: {@code 45s}, {@code 3m 10s}. */
    public static String estimate(Duration duration) {
        long seconds = Math.round(duration.toMillis() / 1000.0);
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m " + seconds % 60 + "s";
    }

    /** A timeout in a message: {@code 250ms}, {@code 1.5s}, {@code 2m}. */
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
