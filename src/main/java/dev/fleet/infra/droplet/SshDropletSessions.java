package dev.fleet.infra.droplet;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.apply.DropletSessions;
import dev.fleet.apply.Pause;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.infra.ssh.DropletException;
import java.time.Clock;
import java.time.Duration;

/** Opens a droplet's session over its SSH connection, with the state's SSH settings and registry credentials. */
public final class SshDropletSessions implements DropletSessions {

    /** A pull streams for as long as the download lasts: bounded apart from the per-call timeout. */
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

    private final DropletConnections connections;
    private final DesiredState state;
    private final Clock clock;
    private final Pause pause;

    /**
     * Sessions over {@code connections}: the observation's, when it just connected.
     *
     * @param clock and {@code pause} time the waits of one-off containers (deploy hooks)
     */
    public SshDropletSessions(DropletConnections connections, DesiredState state, Clock clock, Pause pause) {
        this.connections = connections;
        this.state = state;
        this.clock = clock;
        this.pause = pause;
    }

    @Override
    public DropletSession open(DropletSpec droplet) throws ApplyException {
        try {
            connections.get(droplet, state.ssh()); // connected now, so that an unreachable droplet fails the preflight
            return new SshDropletSession(connections, droplet, state.ssh(), state.service().name(), state.registry(),
                    PULL_TIMEOUT, Retry.sleeping(), clock, pause);
        } catch (DropletException e) {
            throw new ApplyException(droplet.name() + " is unreachable: " + e.getMessage(),
                    e.isTransient(), e);
        }
    }
}
