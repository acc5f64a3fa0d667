package dev.fleet.infra.droplet;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import dev.fleet.apply.ApplyException;
import dev.fleet.apply.ContainerSpec;
import dev.fleet.apply.DropletSession;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.RegistryCredentials;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.RolloutIntent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Changes one droplet over its SSH connection: the Docker Engine API through dial-stdio for the
 * container, port forwards for the app's endpoints.
 */
final class SshDropletSession implements DropletSession {

    private final DropletConnection connection;
    private final DropletJournal journal;
    private final Optional<RegistryCredentials> registry;
    private final Duration pullTimeout;

    SshDropletSession(DropletConnection connection, String service, Optional<RegistryCredentials> registry,
            Duration pullTimeout) {
        this.connection = connection;
        this.journal = new DropletJournal(connection.ssh(), service);
        this.registry = registry;
        this.pullTimeout = pullTimeout;
    }

    @Override
    public void pull(String image) throws ApplyException {
        int at = image.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("pulls are by digest: " + image);
        }
        String repository = image.substring(0, at);
        String digest = image.substring(at + 1);
        AtomicReference<String> error = new AtomicReference<>();
        boolean finished = call("pulling " + image, docker -> {
            var pull = docker.pullImageCmd(repository).withTag(digest);
            credentialsFor(repository).ifPresent(pull::withAuthConfig);
            try {
                return pull.exec(new ResultCallback.Adapter<PullResponseItem>() {
                    @Override
                    public void onNext(PullResponseItem item) {
                        if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                            error.compareAndSet(null, item.getErrorDetail().getMessage());
                        }
                    }
                }).awaitCompletion(pullTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pulling " + image, e);
            }
        });
        if (!finished) {
            throw new ApplyException("pulling " + image + " took longer than " + pullTimeout.toSeconds() + "s", true, null);
        }
        if (error.get() != null) {
            throw new ApplyException("the droplet could not pull " + image + ": " + error.get()
                    + ". Check that the digest exists in the registry and that the droplet may read it");
        }
    }

    @Override
    public boolean hasImage(String image) throws ApplyException {
        return call("inspecting image " + image, docker -> {
            try {
                docker.inspectImageCmd(image).exec();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        });
    }

    @Override
    public Optional<ObservedContainer> container(String name) throws ApplyException {
        try {
            return new ContainerReader(connection).read(name).stream().filter(c -> c.name().equals(name)).findFirst();
        } catch (DropletException e) {
            throw failure(e);
        }
    }

    @Override
    public void removeContainer(String name, Duration grace) throws ApplyException {
        call("stopping container " + name, docker -> {
            try {
                docker.stopContainerCmd(name).withTimeout((int) Math.max(1, grace.toSeconds())).exec();
            } catch (NotModifiedException | NotFoundException e) {
                // Already stopped, or already gone.
            }
            return null;
        });
        call("removing container " + name, docker -> {
            try {
                docker.removeContainerCmd(name).exec();
            } catch (NotFoundException e) {
                // Gone already.
            }
            return null;
        });
    }

    @Override
    public void startContainer(ContainerSpec spec) throws ApplyException {
        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (PortMapping port : spec.ports()) {
            ExposedPort exposedPort = new ExposedPort(port.containerPort(), InternetProtocol.parse(port.protocol()));
            exposed.add(exposedPort);
            bindings.bind(exposedPort, new Ports.Binding(port.hostIp().orElse(null), String.valueOf(port.hostPort())));
        }
        List<String> environment = new ArrayList<>();
        spec.environment().forEach((name, value) -> environment.add(name + "=" + switch (value) {
            case EnvValue.Plain plain -> plain.value();
            // The one place a secret is revealed: handed to the droplet's Docker engine.
            case EnvValue.SecretValue secret -> secret.value().reveal();
        }));
        String id = call("creating container " + spec.name() + " from " + spec.image(), docker -> docker
                .createContainerCmd(spec.image())
                .withName(spec.name())
                .withEnv(environment)
                .withLabels(spec.labels())
                .withExposedPorts(exposed)
                .withHostConfig(HostConfig.newHostConfig()
                        .withPortBindings(bindings)
                        .withRestartPolicy(RestartPolicy.parse(spec.restart())))
                .exec()
                .getId());
        call("starting container " + spec.name(), docker -> {
            docker.startContainerCmd(id).exec();
            return null;
        });
    }

    @Override
    public HealthProbe probe(HealthSpec health) {
        return new HealthProber(new ForwardedHttp(connection.ssh())).probe(health);
    }

    @Override
    public void callDrainEndpoint(DrainSpec drain) throws ApplyException {
        try {
            new ForwardedHttp(connection.ssh()).send(drain.method(), drain.path(), drain.port(), DRAIN_TIMEOUT);
        } catch (IOException e) {
            throw new ApplyException(drain.method() + " " + drain.path() + " on port " + drain.port()
                    + " did not answer: " + e.getMessage(), true, e);
        }
    }

    @Override
    public void recordIntent(RolloutIntent intent) throws ApplyException {
        try {
            journal.intend(intent);
        } catch (DropletException e) {
            throw failure(e);
        }
    }

    @Override
    public void endIntent(String run, String result) throws ApplyException {
        try {
            journal.end(run, result);
        } catch (DropletException e) {
            throw failure(e);
        }
    }

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    /** The connection stays open: it is the run's, and closes with it. */
    @Override
    public void close() {}

    private Optional<AuthConfig> credentialsFor(String repository) {
        return registry.filter(r -> repository.startsWith(r.server() + "/"))
                .map(r -> new AuthConfig().withRegistryAddress(r.server()).withUsername(r.username())
                        .withPassword(r.password().reveal()));
    }

    private <T> T call(String what, DropletConnection.DockerCall<T> call) throws ApplyException {
        try {
            return connection.call(what, call);
        } catch (DropletException e) {
            throw failure(e);
        }
    }

    private static ApplyException failure(DropletException e) {
        return new ApplyException(e.getMessage(), e.isTransient(), e);
    }
}
