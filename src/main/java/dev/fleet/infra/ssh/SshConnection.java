package dev.fleet.infra.ssh;

import dev.fleet.desired.Durations;
import dev.fleet.observed.UnreachableReason;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;
import org.jboss.logging.Logger;

/**
 * One authenticated SSH connection to a droplet, over which any number of channels run at once, up
 * to the droplet's sshd {@code MaxSessions} (10 by default for OpenSSH). Made by {@link SshConnector}.
 *
 * <p>Thread-safe: channels may be opened from several threads. Closing the connection ends every
 * channel still open on it.
 */
public final class SshConnection implements Closeable {

    private static final Logger LOG = Logger.getLogger(SshConnection.class);

    private final SSHClient client;
    private final String address;
    private final Duration timeout;

    SshConnection(SSHClient client, String address, Duration timeout) {
        this.client = client;
        this.address = address;
        this.timeout = timeout;
    }

    /** Where this connection goes, as {@code user@host:port}, for messages. */
    public String address() {
        return address;
    }

    /**
     * Runs {@code command} on the droplet and returns its stdin, stdout and stderr as a channel. The
     * command runs in the user's login shell, so it should stay light (no heavy shell rc).
     */
    public SshChannel exec(String command) throws DropletException {
        String description = "'" + command + "' on " + address;
        Session session = null;
        try {
            session = client.startSession();
            Session.Command running = session.exec(command);
            return new SshChannel(running, running.getErrorStream(), description);
        } catch (IOException e) {
            closeQuietly(session, description);
            throw SshFailures.classify(address, "starting " + description, timeout, e);
        }
    }

    /** What a short command printed, and how it exited. */
    public record CommandResult(int exitStatus, String stdout, String stderr) {}

    /**
     * Runs a short command to its end: {@code stdin} is its whole input, its output is read whole
     * (stderr alongside, so neither fills its window), within the connection's timeout.
     *
     * @throws DropletException if it could not run, took too long, or ended without an exit status
     */
    public CommandResult run(String command, String stdin) throws DropletException {
        try (SshChannel channel = exec(command);
                var readers = Executors.newThreadPerTaskExecutor(
                        Thread.ofPlatform().daemon().factory())) {
            channel.setReadTimeout(timeout);
            var errors = readers.submit(() -> new String(channel.errors().readAllBytes(),
                    StandardCharsets.UTF_8));
            channel.output().write(stdin.getBytes(StandardCharsets.UTF_8));
            channel.output().close();
            String out = new String(channel.input().readAllBytes(), StandardCharsets.UTF_8);
            String err = errors.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int status = channel.exitStatus(timeout).orElseThrow(() -> new DropletException(
                    UnreachableReason.OTHER, "'" + command + "' on " + address + " ended without an exit status"));
            return new CommandResult(status, out, err);
        } catch (DropletException e) {
            throw e;
        } catch (IOException e) {
            throw SshFailures.classify(address, "running '" + command + "'", timeout, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new DropletException(UnreachableReason.TIMEOUT,
                    "'" + command + "' on " + address + " did not finish within " + Durations.timeout(timeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DropletException(UnreachableReason.OTHER, "interrupted", e);
        }
    }

    /**
     * Opens a TCP connection from the droplet to {@code host:port} (an SSH direct-tcpip channel), so
     * {@code 127.0.0.1} means the droplet's own loopback. Fails with reason REFUSED when nothing
     * listens there.
     */
    public SshChannel forward(String host, int port) throws DropletException {
        String description = host + ":" + port + " on " + address;
        try {
            DirectConnection tunnel = client.newDirectConnection(host, port);
            return new SshChannel(tunnel, InputStream.nullInputStream(), description);
        } catch (OpenFailException e) {
            if (e.getReason() == OpenFailException.Reason.CONNECT_FAILED) {
                throw new DropletException(UnreachableReason.REFUSED,
                        "nothing accepts connections at " + host + ":" + port + " on the droplet (" + e.getMessage() + ")", e);
            }
            throw SshFailures.classify(address, "connecting to " + description, timeout, e);
        } catch (IOException e) {
            throw SshFailures.classify(address, "connecting to " + description, timeout, e);
        }
    }

    public boolean isOpen() {
        return client.isConnected() && client.isAuthenticated();
    }

    /** Disconnects; every channel still open ends with it. Never fails. */
    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            LOG.debugf("Disconnecting from %s failed: %s", address, e);
        }
    }

    @Override
    public String toString() {
        return "SshConnection[" + address + "]";
    }

    private static void closeQuietly(Session session, String description) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (IOException e) {
            LOG.debugf("Closing the session for %s failed: %s", description, e);
        }
    }
}
