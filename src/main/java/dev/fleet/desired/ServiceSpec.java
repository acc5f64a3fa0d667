package dev.fleet.desired;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service every droplet runs: one container of a deterministic name.
 *
 * @param name        the container's name on each droplet, and the value of fleet's service label
 * @param image       the image by digest for the whole fleet; a droplet may override it
 * @param ports       published ports
 * @param environment environment variables, in the order written
 * @param restart     Docker's restart policy: {@code no}, {@code always}, {@code unless-stopped} or
 *                    {@code on-failure[:N]}
 * @param labels      labels of the user's own, beside the ones fleet sets
 */
public record ServiceSpec(
        String name,
        ImageRef image,
        List<PortMapping> ports,
        Map<String, EnvValue> environment,
        String restart,
        Map<String, String> labels) {

    public ServiceSpec {
        ports = List.copyOf(ports);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
