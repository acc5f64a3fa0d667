package dev.fleet.desired;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the service's container is set up, beside its name and image: every key of the state that
 * shapes a container, each one reconciled (a running container that differs is {@code CONFIG_DRIFT}).
 * An empty optional means "as the image says" (its command, entrypoint, user, working directory,
 * stop signal) or "Docker's default" (stop grace).
 *
 * @param ports       published ports
 * @param environment environment variables, in the order written; secrets stay {@link Secret}s
 * @param restart     Docker's restart policy: {@code no}, {@code always}, {@code unless-stopped} or
 *                    {@code on-failure[:N]}
 * @param labels      labels of the user's own, beside the ones fleet sets
 * @param command     the command and its arguments, replacing the image's {@code CMD}
 * @param entrypoint  the entrypoint, replacing the image's {@code ENTRYPOINT} (and, as in Docker,
 *                    its {@code CMD} unless {@code command} is given too)
 * @param volumes     named volumes and bind mounts
 * @param networks    networks the container joins by name, in order; none means Docker's default bridge
 * @param user        the user (name or uid[:gid]) the process runs as
 * @param workingDir  the process's working directory
 * @param log         the log driver and its options; by default rotated ({@link LogSettings#DEFAULT})
 * @param limits      memory, CPU and process limits
 * @param stopSignal  the signal that asks the process to stop
 * @param stopGrace   how long the process has to stop on that signal before it is killed
 * @param extraHosts  extra {@code /etc/hosts} lines, as {@code name:address}
 * @param init        whether Docker's init runs as PID 1 (reaps zombies, forwards signals)
 */
public record ContainerSettings(
        List<PortMapping> ports,
        Map<String, EnvValue> environment,
        String restart,
        Map<String, String> labels,
        Optional<List<String>> command,
        Optional<List<String>> entrypoint,
        List<VolumeMount> volumes,
        List<String> networks,
        Optional<String> user,
        Optional<String> workingDir,
        LogSettings log,
        Limits limits,
        Optional<String> stopSignal,
        Optional<Duration> stopGrace,
        List<String> extraHosts,
        boolean init) {

    public ContainerSettings {
        ports = List.copyOf(ports);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        command = command.map(List::copyOf);
        entrypoint = entrypoint.map(List::copyOf);
        volumes = List.copyOf(volumes);
        networks = List.copyOf(networks);
        extraHosts = List.copyOf(extraHosts);
    }

    /** A container with only ports, environment, restart policy and labels; everything else as the image and fleet's defaults say. */
    public ContainerSettings(List<PortMapping> ports, Map<String, EnvValue> environment, String restart,
            Map<String, String> labels) {
        this(ports, environment, restart, labels, Optional.empty(), Optional.empty(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), LogSettings.DEFAULT, Limits.NONE, Optional.empty(),
                Optional.empty(), List.of(), false);
    }

    /** The same container with {@code environment} instead. */
    public ContainerSettings withEnvironment(Map<String, EnvValue> environment) {
        return new ContainerSettings(ports, environment, restart, labels, command, entrypoint, volumes, networks, user,
                workingDir, log, limits, stopSignal, stopGrace, extraHosts, init);
    }

    /** The same container with {@code ports} instead. */
    public ContainerSettings withPorts(List<PortMapping> ports) {
        return new ContainerSettings(ports, environment, restart, labels, command, entrypoint, volumes, networks, user,
                workingDir, log, limits, stopSignal, stopGrace, extraHosts, init);
    }
}
