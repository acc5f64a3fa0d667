package dev.fleet.infra.droplet.containers;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.Limits;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.RegistryCredentials;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.plan.ContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Docker engine commands that change one droplet's images and containers: pulling by digest,
 * creating, starting, stopping and removing. Each method is one attempt, made on the connection its
 * source gives at that moment; whether a failed one is made again, and what is looked at first, is
 * the caller's decision.
 */
public final class ContainerControl {

    /** The droplet's connection now: the one the run holds, or a new one if that one broke. */
    @FunctionalInterface
    public interface ConnectionSource {
        DropletConnection get() throws DropletException;
    }

    private final ConnectionSource connections;
    private final Optional<RegistryCredentials> registry;

    /** @param registry credentials for the registry they belong to, sent with its pulls only */
    public ContainerControl(ConnectionSource connections, Optional<RegistryCredentials> registry) {
        this.connections = connections;
        this.registry = registry;
    }

    /**
     * Pulls {@code image} by its digest; the first error the engine streams goes to {@code error}.
     *
     * @return whether the pull finished within {@code timeout}
     */
    public boolean pull(ImageRef image, Duration timeout, AtomicReference<String> error) throws DropletException {
        return connections.get().call("pulling " + image, docker -> {
            var pull = docker.pullImageCmd(image.repository()).withTag(image.digest());
            credentialsFor(image.repository()).ifPresent(pull::withAuthConfig);
            try {
                return pull.exec(new ResultCallback.Adapter<PullResponseItem>() {
                    @Override
                    public void onNext(PullResponseItem item) {
                        if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                            error.compareAndSet(null, item.getErrorDetail().getMessage());
                        }
                    }
                }).awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pulling " + image, e);
            }
        });
    }

    public boolean hasImage(ImageSource image) throws DropletException {
        return connections.get().call("inspecting image " + image.reference(), docker -> {
            try {
                docker.inspectImageCmd(image.reference()).exec();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        });
    }

    /** The container named {@code name}, running or not. */
    public Optional<ObservedContainer> find(String name) throws DropletException {
        return new ContainerReader(connections.get()).read(name).stream().filter(c -> c.name().equals(name))
                .findFirst();
    }

    /** Stops the container (after {@code grace} for its requests) and removes it; one already gone is no error. */
    public void stopAndRemove(String name, Duration grace) throws DropletException {
        DropletConnection connection = connections.get();
        connection.call("stopping container " + name, docker -> {
            try {
                docker.stopContainerCmd(name).withTimeout((int) Math.max(1, grace.toSeconds())).exec();
            } catch (NotModifiedException | NotFoundException e) {
                // Already stopped, or already gone.
            }
            return null;
        });
        connection.call("removing container " + name, docker -> {
            try {
                docker.removeContainerCmd(name).exec();
            } catch (NotFoundException e) {
                // Gone already.
            }
            return null;
        });
    }

    /**
     * Creates the container {@code spec} describes, without starting it, and joins it to the
     * networks after its first; returns its id. Bind mounts are made with {@code --mount}
     * semantics: a droplet path that does not exist is an error, never an empty directory made
     * in its place.
     */
    public String create(ContainerSpec spec) throws DropletException {
        ContainerSettings settings = spec.settings();
        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (PortMapping port : settings.ports()) {
            ExposedPort exposedPort = new ExposedPort(port.containerPort(), InternetProtocol.parse(port.protocol()));
            exposed.add(exposedPort);
            // Host port 0: a free port of Docker's choosing (a blue-green colour on loopback).
            bindings.bind(exposedPort, new Ports.Binding(port.hostIp().orElse(null),
                    port.hostPort() == 0 ? "" : String.valueOf(port.hostPort())));
        }
        List<String> environment = new ArrayList<>();
        settings.environment().forEach((name, value) -> environment.add(name + "=" + switch (value) {
            case EnvValue.Plain plain -> plain.value();
            // The one place a secret is revealed: handed to the droplet's Docker engine.
            case EnvValue.SecretValue secret -> secret.value().reveal();
        }));
        HostConfig host = hostConfig(settings, bindings);
        String id = connections.get().call("creating container " + spec.name() + " from " + spec.image().reference(),
                docker -> {
                    var create = docker.createContainerCmd(spec.image().reference())
                            .withName(spec.name())
                            .withEnv(environment)
                            .withLabels(spec.labels())
                            .withExposedPorts(exposed)
                            .withHostConfig(host);
                    settings.command().ifPresent(create::withCmd);
                    settings.entrypoint().ifPresent(create::withEntrypoint);
                    settings.user().ifPresent(create::withUser);
                    settings.workingDir().ifPresent(create::withWorkingDir);
                    settings.stopSignal().ifPresent(create::withStopSignal);
                    settings.stopGrace().ifPresent(grace -> create.withStopTimeout((int) grace.toSeconds()));
                    return create.exec().getId();
                });
        for (String network : settings.networks().stream().skip(1).toList()) {
            connections.get().call("joining container " + spec.name() + " to network " + network, docker -> {
                docker.connectToNetworkCmd().withNetworkId(network).withContainerId(id).exec();
                return null;
            });
        }
        return id;
    }

    /** What the engine calls the host configuration: ports, restart, mounts, networks, log, limits. */
    private static HostConfig hostConfig(ContainerSettings settings, Ports bindings) {
        List<Mount> mounts = settings.volumes().stream().map(volume -> new Mount()
                .withType(volume.bind() ? MountType.BIND : MountType.VOLUME)
                .withSource(volume.source())
                .withTarget(volume.target())
                .withReadOnly(volume.readOnly())).toList();
        Limits limits = settings.limits();
        HostConfig host = HostConfig.newHostConfig()
                .withPortBindings(bindings)
                .withRestartPolicy(RestartPolicy.parse(settings.restart()))
                .withMounts(mounts)
                .withExtraHosts(settings.extraHosts().toArray(String[]::new))
                .withInit(settings.init() ? Boolean.TRUE : null)
                .withMemory(limits.memoryBytes().orElse(null))
                .withNanoCPUs(limits.nanoCpus().orElse(null))
                .withPidsLimit(limits.pids().orElse(null));
        settings.networks().stream().findFirst().ifPresent(host::withNetworkMode);
        if (!settings.log().driver().isEmpty()) {
            // Empty: a container recreated as observed, whose engine reported no log driver (its default).
            host.withLogConfig(new LogConfig(LogConfig.LoggingType.fromValue(settings.log().driver()),
                    settings.log().options()));
        }
        return host;
    }

    /**
     * Removes the image reference {@code reference}, never by force: an image a container uses
     * (running or not) stays, and so does one already gone.
     *
     * @return whether it was removed
     */
    public boolean removeImage(String reference) throws DropletException {
        return connections.get().call("removing image " + reference, docker -> {
            try {
                docker.removeImageCmd(reference).withForce(false).exec();
                return true;
            } catch (NotFoundException | ConflictException e) {
                return false;
            }
        });
    }

    /** Starts the container {@code name} of id {@code id}; one already started is no error. */
    public void start(String name, String id) throws DropletException {
        connections.get().call("starting container " + name, docker -> {
            try {
                docker.startContainerCmd(id).exec();
            } catch (NotModifiedException e) {
                // Started by the attempt whose answer was lost.
            }
            return null;
        });
    }

    private Optional<AuthConfig> credentialsFor(String repository) {
        return registry.filter(r -> repository.startsWith(r.server() + "/"))
                .map(r -> new AuthConfig().withRegistryAddress(r.server()).withUsername(r.username())
                        .withPassword(r.password().reveal()));
    }
}
