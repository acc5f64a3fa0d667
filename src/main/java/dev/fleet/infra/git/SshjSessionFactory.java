package dev.fleet.infra.git;

import dev.fleet.desired.SshSettings;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.infra.ssh.SshPeer;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.util.FS;

/**
 * JGit's SSH transport over fleet's own SSH edge (sshj): JGit core has the git protocol over SSH
 * but no SSH client. Given to each clone and fetch of the state's repository, never installed
 * globally.
 *
 * <p>The git server is reached as a droplet is: host key checked against a known_hosts file and
 * refused when unknown or changed (never trusted on first use), current algorithms only, a key
 * file or the ssh-agent's keys. Nothing runs on this machine: no {@code ssh} process, so no key
 * path nor any credential in a process's arguments. {@code GIT_SSH} and {@code ~/.ssh/config} are
 * not read; the URL says the host, port (22 by default) and user (by default the local user name, as
 * ssh's).
 *
 * <p>JGit's credentials provider is not used: an SSH remote authenticates with keys only.
 */
public final class SshjSessionFactory extends SshSessionFactory {

    private static final int DEFAULT_PORT = 22;

    private final SshConnector connector;
    private final SshSettings settings;

    /**
     * @param settings the identity and known_hosts file; its timeouts are replaced by the one JGit
     *                 gives each session (the fetch's), when it gives one
     */
    public SshjSessionFactory(SshConnector connector, SshSettings settings) {
        this.connector = connector;
        this.settings = settings;
    }

    @Override
    public RemoteSession getSession(URIish uri, CredentialsProvider credentials, FS fs, int timeoutMillis)
            throws TransportException {
        String user = uri.getUser() == null || uri.getUser().isEmpty() ? getLocalUserName() : uri.getUser();
        int port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT;
        SshSettings session = timeoutMillis <= 0 ? settings : new SshSettings(settings.identity(),
                settings.knownHosts(), Duration.ofMillis(timeoutMillis), Duration.ofMillis(timeoutMillis));
        try {
            return new Session(connector.connect(uri.getHost(), port, user, session, SshPeer.GIT_SERVER));
        } catch (DropletException e) {
            throw new TransportException(withoutPassword(uri), e.getMessage(), e);
        }
    }

    @Override
    public String getType() {
        return "fleet-sshj";
    }

    private static URIish withoutPassword(URIish uri) {
        return uri.setPass(null);
    }

    /** One SSH connection to the git server; each command JGit runs is a channel of it. */
    private static final class Session implements RemoteSession {

        private final SshConnection connection;

        Session(SshConnection connection) {
            this.connection = connection;
        }

        /**
         * @param timeoutSeconds the longest any read of the command's output may wait (JGit's
         *                       timeout); zero or less: the connection's command timeout
         */
        @Override
        public Process exec(String command, int timeoutSeconds) throws IOException {
            Duration timeout = timeoutSeconds > 0 ? Duration.ofSeconds(timeoutSeconds) : connection.commandTimeout();
            try {
                return new SshChannelProcess(connection.exec(command), timeout);
            } catch (DropletException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void disconnect() {
            connection.close();
        }
    }
}
