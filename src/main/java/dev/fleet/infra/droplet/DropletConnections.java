package dev.fleet.infra.droplet;

import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.SshConnector;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections one run of fleet holds to its droplets, one per droplet, shared by whoever needs
 * it: the observation, then the apply's session and its lock. An apply used to connect to each
 * droplet two or three times within a second, and every connection costs a key exchange.
 *
 * <p>Users never close what they get; {@link #close} ends them all, at the end of the run (a daemon
 * closes them after each round). A connection found closed (the droplet restarted, say) is replaced
 * by a new one. Thread-safe: connections are, and each droplet is connected to once at a time.
 */
public final class DropletConnections implements AutoCloseable {

    private final SshConnector connector;
    private final Map<String, DropletConnection> open = new ConcurrentHashMap<>();

    public DropletConnections(SshConnector connector) {
        this.connector = connector;
    }

    /** The open connection to {@code droplet}, connecting first if there is none (or it closed). */
    public DropletConnection get(DropletSpec droplet, SshSettings settings) throws DropletException {
        String key = key(droplet, settings);
        // Per key: two threads asking for the same droplet get one connection, others are not held up.
        synchronized (lockFor(key)) {
            DropletConnection kept = open.get(key);
            if (kept != null && kept.ssh().isOpen()) {
                return kept;
            }
            if (kept != null) {
                kept.close();
            }
            DropletConnection fresh = DropletConnection.open(connector, droplet, settings);
            open.put(key, fresh);
            return fresh;
        }
    }

    /** Whether the run holds an open connection to {@code droplet} now. */
    public boolean isOpen(DropletSpec droplet, SshSettings settings) {
        DropletConnection kept = open.get(key(droplet, settings));
        return kept != null && kept.ssh().isOpen();
    }

    /** Forgets the connection to {@code droplet} and closes it: after a failure that may have left it unusable. */
    public void discard(DropletSpec droplet, SshSettings settings) {
        String key = key(droplet, settings);
        synchronized (lockFor(key)) {
            DropletConnection kept = open.remove(key);
            if (kept != null) {
                kept.close();
            }
        }
    }

    /** Closes every connection. The next {@link #get} connects again. */
    @Override
    public void close() {
        open.keySet().forEach(key -> {
            synchronized (lockFor(key)) {
                DropletConnection kept = open.remove(key);
                if (kept != null) {
                    kept.close();
                }
            }
        });
    }

    /** A connection is reused only for the same droplet, reached the same way, with the same keys. */
    private static String key(DropletSpec droplet, SshSettings settings) {
        return droplet.name() + " " + droplet.user() + "@" + droplet.host() + ":" + droplet.port() + " "
                + settings.identity() + " " + settings.knownHosts();
    }

    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    private Object lockFor(String key) {
        return locks.computeIfAbsent(key, k -> new Object());
    }
}
