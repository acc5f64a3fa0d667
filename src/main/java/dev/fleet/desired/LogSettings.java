package dev.fleet.desired;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the container's output goes: a Docker log driver and its options.
 *
 * @param driver  the log driver ({@code json-file}, {@code local}, {@code journald}, {@code none}, ...)
 * @param options the driver's options, sorted by name
 */
public record LogSettings(String driver, Map<String, String> options) {

    /**
     * fleet's default: {@code json-file}, rotated at 10 MB, 3 files kept. Docker's own default
     * ({@code json-file} without options) grows until the droplet's disk is full.
     */
    public static final LogSettings DEFAULT = new LogSettings("json-file", Map.of("max-size", "10m", "max-file", "3"));

    public LogSettings {
        options = Collections.unmodifiableMap(new TreeMap<>(options));
    }
}
