package dev.fleet.wiring;

import dev.fleet.desired.Hosts;
import dev.fleet.infra.dns.DnsFailoverRounds;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.desired.load.GitSshLogin;
import dev.fleet.infra.git.GitRemotes;
import dev.fleet.infra.git.GitStateSource;
import dev.fleet.infra.git.SshjSessionFactory;
import dev.fleet.infra.ssh.SshConnector;
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
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The edges the long-running commands are built from, picked by their options. */
@Singleton
public class WatchEdges {

    /** How long a fetch of the state's repository may take. */
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);

    private final DropletConnections connections;
    private final Clock clock;
    private final String version;

    WatchEdges(DropletConnections connections, Clock clock,
            @ConfigProperty(name = "quarkus.application.version") String version) {
        this.connections = connections;
        this.clock = clock;
        this.version = version;
    }

    /** A state file on this machine, read again each round. */
    public StateSource file(Path stateFile) {
        return new LocalStateSource(stateFile.toAbsolutePath());
    }

    /**
     * A git repository fetched into fleet's own clone under {@code home}, with HTTPS credentials, or
     * the SSH login ({@link GitSshLogin}), from fleet's environment. A URL holding a password is
     * refused: it would show in fleet's arguments (ps) and in the clone's .git/config.
     *
     * @throws IOException when the clone cannot be prepared
     */
    public StateSource repository(String url, String branch, String path, Path home, boolean allowPlainHttp)
            throws IOException {
        if (GitRemotes.hasPassword(url)) {
            throw new IllegalArgumentException("--repo holds a password in its URL, which anyone on this machine could"
                    + " read in fleet's arguments and which would be written to the clone's .git/config; remove it"
                    + " and give the token in FLEET_GIT_TOKEN or FLEET_GIT_TOKEN_FILE (https), or use an ssh:// remote"
                    + " and FLEET_GIT_SSH_KEY");
        }
        Optional<SshSessionFactory> ssh = GitRemotes.isSsh(url)
                ? Optional.of(new SshjSessionFactory(new SshConnector(), GitSshLogin.settings(System.getenv(),
                        FETCH_TIMEOUT)))
                : Optional.empty();
        var credentials = GitStateSource.credentialsFrom(System.getenv());
        if (credentials.isPresent() && !allowPlainHttp && plainHttpToAnotherMachine(url)) {
            throw new IllegalArgumentException("--repo is plain http to another machine and FLEET_GIT_TOKEN would"
                    + " cross the network unencrypted; use https (or ssh), or --allow-insecure-http if that network"
                    + " is yours");
        }
        return new GitStateSource(url, branch, path, home, credentials, ssh, FETCH_TIMEOUT);
    }

    /**
     * A webhook notifier for {@code url}, or none when it is blank, signing its posts with the key
     * from {@code FLEET_WEBHOOK_SECRET} or {@code FLEET_WEBHOOK_SECRET_FILE} when one is set; a
     * malformed URL, plain http to another machine without {@code allowPlainHttp}, or an unreadable
     * key is an IllegalArgumentException: a webhook's URL is often its only secret.
     */
    public Notifier notifier(String url, boolean allowPlainHttp) {
        if (url == null || url.isBlank()) {
            return Notifier.NONE;
        }
        URI uri = URI.create(url.strip());
        if (!allowPlainHttp && Hosts.isPlainHttpToAnotherMachine(uri)) {
            throw new IllegalArgumentException("--webhook is plain http to another machine (" + uri.getHost()
                    + "): its URL, often its only secret, would cross the network unencrypted; use https, or"
                    + " --allow-insecure-http if that network is yours");
        }
        return new WebhookNotifier(uri, WebhookNotifier.signingKeyFrom(System.getenv()));
    }

    private static boolean plainHttpToAnotherMachine(String url) {
        try {
            return Hosts.isPlainHttpToAnotherMachine(new URI(url.strip()));
        } catch (URISyntaxException e) {
            return false; // not a URL (a path, an scp-like address): not http
        }
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
        return StatusServer.start(address, allowedHosts, status, clock, version);
    }
}
