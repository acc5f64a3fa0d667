package dev.fleet.desired;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the service's container is set up, beside its name and image.
 *
 * @param ports       published ports
 * @param environment environment variables, in the order written; secrets stay {@link Secret}s
 * @param restart     Docker's restart policy: {@code no}, {@code always}, {@code unless-stopped} or
 *                    {@code on-failure[:N]}
 * @param labels      labels of the user's own, beside the ones fleet sets
 */
public record ContainerSettings(
        List<PortMapping> ports,
        Map<String, EnvValue> environment,
        String restart,
        Map<String, String> labels) {

    public ContainerSettings {
        ports = List.copyOf(ports);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
