package dev.fleet.infra.droplet;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.apply.DropletSessions;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.SshConnector;
import java.time.Duration;

/** Opens a droplet's session over SSH, with the state's SSH settings and registry credentials. */
public final class SshDropletSessions implements DropletSessions {

    /** A pull streams for as long as the download lasts: bounded apart from the per-call timeout. */
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

    private final SshConnector connector;
    private final DesiredState state;

    public SshDropletSessions(SshConnector connector, DesiredState state) {
        this.connector = connector;
        this.state = state;
    }

    @Override
    public DropletSession open(DropletSpec droplet) throws ApplyException {
        try {
            return new SshDropletSession(DropletConnection.open(connector, droplet, state.ssh()), state.registry(),
                    PULL_TIMEOUT);
        } catch (DropletException e) {
            throw new ApplyException(droplet.name() + " is unreachable (" + e.reason() + "): " + e.getMessage(),
                    e.isTransient(), e);
        }
    }
}
