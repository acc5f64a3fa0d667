package dev.fleet.wiring;

import dev.fleet.infra.dns.DnsFailoverRounds;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.infra.git.GitStateSource;
import dev.fleet.infra.web.StatusServer;
import dev.fleet.infra.web.WebhookNotifier;
import dev.fleet.rollout.watch.DnsWatch;
import dev.fleet.rollout.watch.LocalStateSource;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.rollout.watch.Published;
import dev.fleet.rollout.watch.StateSource;
import dev.fleet.rollout.watch.WatchStatus;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The edges the long-running commands are built from, picked by their options. */
@Singleton
public class WatchEdges {

    /** How long a fetch of the state's repository may take. */
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);

    private final DropletConnections connections;
    private final Clock clock;

    WatchEdges(DropletConnections connections, Clock clock) {
        this.connections = connections;
        this.clock = clock;
    }

    /** A state file on this machine, read again each round. */
    public StateSource file(Path stateFile) {
        return new LocalStateSource(stateFile.toAbsolutePath());
    }

    /**
     * A git repository fetched into fleet's own clone under {@code home}, with HTTPS credentials from
     * fleet's environment.
     *
     * @throws IOException when the clone cannot be prepared
     */
    public StateSource repository(String url, String branch, String path, Path home) throws IOException {
        return new GitStateSource(url, branch, path, home, GitStateSource.credentialsFrom(System.getenv()),
                FETCH_TIMEOUT);
    }

    /** A webhook notifier for {@code url}, or none when it is blank; a malformed URL is an IllegalArgumentException. */
    public Notifier notifier(String url) {
        return url == null || url.isBlank() ? Notifier.NONE : new WebhookNotifier(URI.create(url.strip()));
    }

    /** DNS failover rounds through the state's provider, checking droplets over HTTP. */
    public DnsWatch.Rounds dnsRounds() {
        return state -> DnsFailoverRounds.start(state, clock);
    }

    /** Lets go of the droplets' connections a round opened. */
    public Runnable afterRound() {
        return connections::close;
    }

    /**
     * Serves the watch's page, JSON, health and metrics until closed, to requests naming in their
     * Host header a loopback name, the address it listens on, or one of {@code allowedHosts}.
     */
    public Published serve(InetSocketAddress address, List<String> allowedHosts, Supplier<WatchStatus> status)
            throws IOException {
        return StatusServer.start(address, allowedHosts, status, clock);
    }
}
