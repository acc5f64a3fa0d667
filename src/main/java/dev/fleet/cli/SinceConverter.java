package dev.fleet.cli;

import dev.fleet.desired.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --since}: a duration back from now ({@code 10m}), or a time ({@code 2026-12-07T16:00:00Z}, an offset allowed). */
final class SinceConverter implements ITypeConverter<SinceConverter.Since> {

    /** A time, or a duration back from when the command runs. */
    sealed interface Since {
        Instant instant(Clock clock);

        record Ago(Duration duration) implements Since {
            public Instant instant(Clock clock) {
                return clock.instant().minus(duration);
            }
        }

        record At(Instant time) implements Since {
            public Instant instant(Clock clock) {
                return time;
            }
        }
    }

    @Override
    public Since convert(String value) {
        String text = value.strip();
        var duration = Durations.read(text);
        if (duration.isPresent()) {
            return new Since.Ago(duration.get());
        }
        try {
            return new Since.At(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is neither a duration (30s, 10m, 2h) nor a time"
                    + " (2026-12-07T16:00:00Z)");
        }
    }
}
