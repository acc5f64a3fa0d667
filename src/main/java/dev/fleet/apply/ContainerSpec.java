package dev.fleet.apply;

import dev.fleet.desired.EnvValue;
import dev.fleet.desired.PortMapping;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service's container as fleet creates it. Its environment may hold secrets: they stay
 * {@link dev.fleet.desired.Secret}s until the one call that hands them to Docker.
 *
 * @param name        the service's name, which is the container's name
 * @param image       what to create it from: {@code repo@sha256:...}, or a local image id
 * @param labels      the state's labels plus fleet's own ({@code fleet.service}, {@code fleet.digest})
 */
public record ContainerSpec(
        String name,
        String image,
        List<PortMapping> ports,
        Map<String, EnvValue> environment,
        String restart,
        Map<String, String> labels) {

    public ContainerSpec {
        ports = List.copyOf(ports);
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
