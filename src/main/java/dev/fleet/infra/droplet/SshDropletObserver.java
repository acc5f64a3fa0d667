package dev.fleet.infra.droplet;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ProxySpec;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.droplet.containers.ContainerReader;
import dev.fleet.infra.droplet.containers.ForwardedHttp;
import dev.fleet.infra.droplet.containers.HealthProber;
import dev.fleet.infra.droplet.journal.DropletJournal;
import dev.fleet.infra.droplet.nginx.NginxProxy;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.DropletObserver;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ImageUse;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.RolloutIntent;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Observes a droplet over one SSH connection: its service's containers through the Docker engine
 * (over {@code docker system dial-stdio}), then, when the service's container runs, its health as
 * seen from the droplet itself (through a port forward), and the intent an unfinished apply left there.
 *
 * <p>Read-only. Never throws for a droplet it cannot reach, log in to, verify or ask: that is an
 * {@link DropletObservation.Unreachable} with the reason. Thread-safe: droplets are observed
 * in parallel, each over its own connection.
 */
public final class SshDropletObserver implements DropletObserver {

    private static final Logger LOG = Logger.getLogger(SshDropletObserver.class);

    private final DropletConnections connections;
    private final Clock clock;

    /** Observes over {@code connections}, which keep each droplet's connection for what follows (an apply). */
    public SshDropletObserver(DropletConnections connections, Clock clock) {
        this.connections = connections;
        this.clock = clock;
    }

    @Override
    public DropletObservation observe(DesiredState state, DropletSpec droplet) {
        for (int attempt = 1; ; attempt++) {
            boolean connected = false;
            try {
                DropletConnection connection = connections.get(droplet, state.ssh());
                connected = true;
                return observe(state, droplet, connection);
            } catch (DropletException e) {
                connections.discard(droplet, state.ssh());
                // A connection that broke once it was up (reset, say) gets one more try; one that
                // cannot be made is the answer, and trying again would only double the wait.
                if (attempt == 1 && connected && Retry.connectionFailed(e)) {
                    LOG.debugf("Observing droplet %s: the connection failed (%s), once more on a new one",
                            droplet.name(), e.getMessage());
                    continue;
                }
                LOG.debugf("Could not observe droplet %s (%s): %s", droplet.name(), e.reason(), e.getMessage());
                return new DropletObservation.Unreachable(droplet.name(), Instant.now(clock), e.reason(), e.getMessage());
            }
        }
    }

    private DropletObservation observe(DesiredState state, DropletSpec droplet, DropletConnection connection)
            throws DropletException {
        long started = System.nanoTime();
        String service = state.service().name();
        List<ObservedContainer> containers = new ContainerReader(connection)
                .read(state.servicesOn(droplet).stream().map(ServiceSpec::name).toList(), service);
        Instant seen = Instant.now(clock);
        Optional<ProxyRoute> route = Optional.empty();
        Optional<HealthProbe> health;
        if (state.rollout().blueGreen()) {
            // Blue-green: the service is whatever nginx sends its requests to, asked through nginx.
            ProxySpec proxy = state.blueGreenProxy();
            route = Optional.of(new NginxProxy(connection.ssh(), proxy).route(state.health(), containers));
            health = route.get().container().isPresent()
                    ? Optional.of(new HealthProber(new ForwardedHttp(connection.ssh()))
                            .probe(state.health().atPort(proxy.checkPort())))
                    : Optional.empty();
        } else {
            boolean serviceRuns = containers.stream().anyMatch(c -> c.name().equals(service) && c.running());
            health = serviceRuns
                    ? Optional.of(new HealthProber(new ForwardedHttp(connection.ssh())).probe(state.health()))
                    : Optional.empty();
        }
        Optional<RolloutIntent> intent = new DropletJournal(connection.ssh(), service).read();
        LOG.debugf("Observed droplet %s: %d containers, health %s, %s, in %d ms", droplet.name(), containers.size(),
                health.map(h -> h.healthy() ? "ok" : String.join("; ", h.failures())).orElse("not probed"),
                intent.map(i -> "unfinished run " + i.run() + " at step " + i.step()).orElse("no unfinished run"),
                (System.nanoTime() - started) / 1_000_000);
        Set<String> repositories = new TreeSet<>(List.of(state.service().image().repository(),
                state.desiredImage(droplet).repository()));
        state.servicesOn(droplet).forEach(s -> repositories.add(s.image().repository()));
        Optional<ImageUse> images = Optional.of(new ContainerReader(connection).images(repositories));
        return new DropletObservation.Reached(droplet.name(), seen, containers, health, intent, route, images);
    }
}
