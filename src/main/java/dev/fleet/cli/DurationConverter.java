package dev.fleet.cli;

import dev.fleet.desired.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} (the state file's form): at least 100ms. */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration duration = Durations.read(value.strip()).orElseThrow(() -> new TypeConversionException("'" + value
                + "' is not a duration: write a whole number and a unit, such as 500ms, 30s, 2m or 1h"));
        if (duration.compareTo(Duration.ofMillis(100)) < 0) {
            throw new TypeConversionException("'" + value + "' is too short: at least 100ms");
        }
        return duration;
    }
}
