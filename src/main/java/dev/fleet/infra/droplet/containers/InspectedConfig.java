package dev.fleet.infra.droplet.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LogSettings;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.Secret;
import dev.fleet.desired.VolumeMount;
import dev.fleet.observed.ImageDefaults;
import dev.fleet.observed.ObservedConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns what {@code docker inspect} says about a container and its image into the state's terms.
 * Every value is the engine's answer, data only; a field the engine leaves out is empty.
 */
final class InspectedConfig {

    /** Where an observed environment value came from, as its {@link EnvValue.SecretValue} says. */
    static final String ENV_SOURCE = "the container on the droplet";

    private InspectedConfig() {}

    /**
     * @param rawConfig the answer's {@code Config} object as the engine wrote it: docker-java's model
     *                  has no stop timeout or stop signal, and keeps no unknown fields
     */
    static ObservedConfig of(InspectContainerResponse inspected, JsonNode rawConfig, ImageDefaults image) {
        ContainerConfig config = inspected.getConfig();
        HostConfig host = inspected.getHostConfig();
        ContainerSettings settings = new ContainerSettings(
                host == null ? List.of() : ports(host.getPortBindings()),
                environment(config == null ? null : config.getEnv()),
                host == null ? "no" : restart(host),
                labels(config == null ? null : config.getLabels()),
                // None (not an empty list) when the engine has none: recreated, it stays none.
                Optional.ofNullable(config == null ? null : config.getCmd()).map(Arrays::asList),
                Optional.ofNullable(config == null ? null : config.getEntrypoint()).map(Arrays::asList),
                host == null ? List.of() : volumes(host),
                networks(inspected),
                text(config == null ? null : config.getUser()),
                text(config == null ? null : config.getWorkingDir()),
                host == null || host.getLogConfig() == null ? new LogSettings("", Map.of()) : log(host),
                host == null ? Limits.NONE : limits(host),
                rawConfig.path("StopSignal").isTextual() ? text(rawConfig.path("StopSignal").asText()) : Optional.empty(),
                rawConfig.path("StopTimeout").isIntegralNumber()
                        ? Optional.of(Duration.ofSeconds(rawConfig.path("StopTimeout").asLong())) : Optional.empty(),
                host == null ? List.of() : list(host.getExtraHosts()),
                host != null && Boolean.TRUE.equals(host.getInit()));
        return new ObservedConfig(settings, image);
    }

    static ImageDefaults image(ContainerConfig config) {
        if (config == null) {
            return ImageDefaults.NONE;
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (String variable : list(config.getEnv())) {
            int equals = variable.indexOf('=');
            environment.put(equals < 0 ? variable : variable.substring(0, equals),
                    equals < 0 ? "" : variable.substring(equals + 1));
        }
        return new ImageDefaults(environment, list(config.getCmd()), list(config.getEntrypoint()),
                Objects.requireNonNullElse(config.getUser(), ""),
                Objects.requireNonNullElse(config.getWorkingDir(), ""),
                config.getRawValues().get("StopSignal") instanceof String signal ? signal : "",
                config.getLabels() == null ? Map.of() : config.getLabels());
    }

    /** Every value held as a secret: the engine answers them all in clear, and fleet never prints one. */
    private static Map<String, EnvValue> environment(String[] variables) {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        for (String variable : list(variables)) {
            int equals = variable.indexOf('=');
            String name = equals < 0 ? variable : variable.substring(0, equals);
            String value = equals < 0 ? "" : variable.substring(equals + 1);
            environment.put(name, new EnvValue.SecretValue(new Secret(value), ENV_SOURCE));
        }
        return environment;
    }

    private static List<PortMapping> ports(Ports bindings) {
        if (bindings == null) {
            return List.of();
        }
        List<PortMapping> ports = new ArrayList<>();
        bindings.getBindings().forEach((exposed, bound) -> {
            for (Ports.Binding binding : bound == null ? new Ports.Binding[0] : bound) {
                String ip = binding.getHostIp();
                int hostPort;
                try {
                    String spec = binding.getHostPortSpec();
                    hostPort = spec == null || spec.isEmpty() ? 0 : Integer.parseInt(spec);
                } catch (NumberFormatException e) {
                    hostPort = -1; // a range: never what fleet publishes, so it differs
                }
                ports.add(new PortMapping(ip == null || ip.isEmpty() ? Optional.empty() : Optional.of(ip), hostPort,
                        exposed.getPort(), exposed.getProtocol().toString()));
            }
        });
        ports.sort(Comparator.comparing(PortMapping::text));
        return ports;
    }

    private static String restart(HostConfig host) {
        var policy = host.getRestartPolicy();
        if (policy == null || policy.getName() == null || policy.getName().isEmpty()) {
            return "no";
        }
        Integer retries = policy.getMaximumRetryCount();
        return policy.getName().equals("on-failure") && retries != null && retries > 0
                ? "on-failure:" + retries : policy.getName();
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        Map<String, String> theirs = new TreeMap<>();
        if (labels != null) {
            labels.forEach((key, value) -> {
                if (!key.startsWith("fleet.")) {
                    theirs.put(key, value);
                }
            });
        }
        return theirs;
    }

    /** Bind mounts and named volumes, as {@code -v} ({@code Binds}) or {@code --mount} ({@code Mounts}) gave them; anonymous volumes are the image's. */
    private static List<VolumeMount> volumes(HostConfig host) {
        List<VolumeMount> volumes = new ArrayList<>();
        for (Bind bind : host.getBinds() == null ? new Bind[0] : host.getBinds()) {
            volumes.add(new VolumeMount(bind.getPath(), bind.getVolume().getPath(), bind.getAccessMode() == AccessMode.ro));
        }
        for (Mount mount : host.getMounts() == null ? List.<Mount>of() : host.getMounts()) {
            if ((mount.getType() == MountType.BIND || mount.getType() == MountType.VOLUME) && mount.getSource() != null
                    && !mount.getSource().isEmpty()) {
                volumes.add(new VolumeMount(mount.getSource(), mount.getTarget(), Boolean.TRUE.equals(mount.getReadOnly())));
            }
        }
        volumes.sort(Comparator.comparing(VolumeMount::text));
        return volumes;
    }

    private static List<String> networks(InspectContainerResponse inspected) {
        var settings = inspected.getNetworkSettings();
        if (settings == null || settings.getNetworks() == null) {
            return List.of();
        }
        return settings.getNetworks().keySet().stream().sorted().toList();
    }

    private static LogSettings log(HostConfig host) {
        var log = host.getLogConfig();
        String driver = log.getType() == null ? "" : log.getType().getType();
        return new LogSettings(driver, log.getConfig() == null ? Map.of() : log.getConfig());
    }

    private static Limits limits(HostConfig host) {
        return new Limits(positive(host.getMemory()), positive(host.getNanoCPUs()), positive(host.getPidsLimit()));
    }

    private static Optional<Long> positive(Long value) {
        return value == null || value <= 0 ? Optional.empty() : Optional.of(value);
    }

    private static Optional<String> text(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
