package dev.fleet.infra.ssh;

import java.math.BigDecimal;
import java.time.Duration;

/** Durations as people write them in messages: {@code 2s}, {@code 1.5s}, {@code 250ms}, {@code 2m}. */
public final class Durations {

    private Durations() {}

    public static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }

    /** Milliseconds for APIs that take an int, at least 1 so that a tiny timeout never means "forever". */
    static int millis(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
    }
}
