package dev.fleet.infra.ssh;

import dev.fleet.desired.Durations;
import dev.fleet.observed.UnreachableReason;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.Channel;
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

    /** How long one command may take as a whole ({@code ssh.command-timeout}). */
    public Duration commandTimeout() {
        return timeout;
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

    /** The most a short command may print on stdout, and on stderr: fleet reads its answer whole, into memory. */
    public static final int OUTPUT_LIMIT = 1024 * 1024;

    /** How long the readers of a command given up on get to end, once its channel is closed under them. */
    private static final Duration READERS_GRACE = Duration.ofSeconds(2);

    /** {@link #run(String, byte[], int)} with stdin as UTF-8 text, and at most {@link #OUTPUT_LIMIT} per stream. */
    public CommandResult run(String command, String stdin) throws DropletException {
        return run(command, stdin.getBytes(StandardCharsets.UTF_8), OUTPUT_LIMIT);
    }

    /**
     * Runs a short command to its end: {@code stdin} is its whole input, its stdout and stderr are read
     * at once (so neither fills its window), each up to {@code outputLimit} bytes. The whole exchange
     * (input, output, exit status) has the connection's command timeout, however the droplet trickles
     * its answer or holds a stream open (a process left in the background keeps it so).
     *
     * <p>A command given up on (too slow, too much output) is killed and its channel closed, which is
     * what ends sshj's reads of it; the connection stays usable.
     *
     * @throws DropletException if it could not run, took too long, printed more than {@code outputLimit}
     *                          bytes on a stream, or ended without an exit status
     */
    public CommandResult run(String command, byte[] stdin, int outputLimit) throws DropletException {
        String description = "'" + command + "' on " + address;
        long deadline = System.nanoTime() + timeout.toNanos();
        SshChannel channel = exec(command);
        // Platform threads: a virtual one may wait for a carrier held by blocked SSH reads (native build).
        ExecutorService io = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("fleet-ssh-run").factory());
        Ending ending = Ending.GIVEN_UP;
        try {
            var exchange = new ExecutorCompletionService<byte[]>(io);
            Future<byte[]> out = exchange.submit(() -> BoundedReads.whole(channel.input(), outputLimit, "stdout"));
            Future<byte[]> err = exchange.submit(() -> BoundedReads.whole(channel.errors(), outputLimit, "stderr"));
            exchange.submit(() -> {
                send(channel, stdin);
                return null;
            });
            for (int done = 0; done < 3; done++) {
                Future<byte[]> next = exchange.poll(left(deadline), TimeUnit.NANOSECONDS);
                if (next == null) {
                    ending = Ending.CLOSED;
                    throw timedOut(description, channel.abort());
                }
                next.get();
            }
            Optional<Integer> status = channel.exitStatus(Duration.ofNanos(left(deadline)));
            if (status.isEmpty() && left(deadline) == 0) {
                // Both streams closed, the command still runs.
                ending = Ending.CLOSED;
                throw timedOut(description, channel.abort());
            }
            ending = Ending.FINISHED;
            return new CommandResult(status.orElseThrow(() -> new DropletException(UnreachableReason.OTHER,
                    description + " ended without an exit status")), new String(out.get(), StandardCharsets.UTF_8),
                    new String(err.get(), StandardCharsets.UTF_8));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BoundedReads.OverLimit over) {
                throw new DropletException(UnreachableReason.OTHER, description + " " + over.getMessage()
                        + ", more than fleet takes from a command", over);
            }
            if (cause instanceof IOException failure) {
                throw SshFailures.classify(address, "running '" + command + "'", timeout, failure);
            }
            throw new DropletException(UnreachableReason.OTHER, description + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DropletException(UnreachableReason.OTHER, "interrupted while running " + description, e);
        } finally {
            end(channel, io, ending);
        }
    }

    /** Writes a command's whole input, then EOF. */
    private static void send(SshChannel channel, byte[] stdin) throws IOException {
        try {
            if (stdin.length > 0) {
                channel.output().write(stdin);
            }
            channel.output().close();
        } catch (IOException e) {
            // A command may end without reading its input; its status and output say how it went.
            if (channel.isOpen()) {
                throw e;
            }
        }
    }

    /** How a command's exchange ended, for what is left to do with its channel. */
    private enum Ending {
        /** It ran to its end: the channel only needs closing. */
        FINISHED,
        /** Given up on (too much output, a failed read): the command is killed and its channel closed. */
        GIVEN_UP,
        /** Given up on and closed already, to tell a droplet that answers from one that does not. */
        CLOSED
    }

    /**
     * A command past its deadline. A droplet that confirmed the close of its channel answers: the
     * command hangs, and running it again (on a new connection, as for a lost one) would hang again.
     */
    private DropletException timedOut(String description, boolean dropletAnswers) {
        String late = description + " did not finish within " + Durations.timeout(timeout) + " (ssh.command-timeout)";
        return dropletAnswers
                ? new DropletException(UnreachableReason.OTHER, late + "; the droplet answers, the command never"
                        + " ended, so fleet closed its channel")
                : new DropletException(UnreachableReason.TIMEOUT, late + ", and the droplet did not answer the close"
                        + " of its channel either");
    }

    /**
     * Closes a command's channel first, since that is what ends sshj's reads (a command given up on
     * is killed as well); then lets its readers and writer end, a short while at most.
     */
    private static void end(SshChannel channel, ExecutorService io, Ending ending) {
        switch (ending) {
            case FINISHED -> channel.close();
            case GIVEN_UP -> channel.abort();
            case CLOSED -> { }
        }
        io.shutdown();
        try {
            if (!io.awaitTermination(READERS_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                // The droplet did not confirm the close: end the streams on this side.
                closeQuietly(channel.input(), channel);
                closeQuietly(channel.errors(), channel);
                io.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.shutdownNow();
        }
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void closeQuietly(Closeable stream, SshChannel channel) {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debugf("Closing a stream of %s failed: %s", channel, e);
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

    /**
     * Connects a channel to the Unix socket {@code socketPath} on the droplet (OpenSSH's {@code
     * direct-streamlocal@openssh.com}), as the user fleet logs in as: a byte pipe to it, with no
     * process started for it. Empty when the droplet will not open it: its sshd does not allow it
     * ({@code AllowStreamLocalForwarding no}), does not know the channel type, or could not connect
     * (no such socket, or the user may not use it); the channel can then be had another way.
     *
     * @throws DropletException when the connection itself failed or did not answer in time
     */
    public Optional<SshChannel> streamLocal(String socketPath) throws DropletException {
        String description = socketPath + " on " + address;
        StreamLocalChannel channel = null;
        try {
            channel = new StreamLocalChannel(client.getConnection(), socketPath);
            channel.open();
            return Optional.of(new SshChannel(channel, InputStream.nullInputStream(), description));
        } catch (OpenFailException e) {
            LOG.debugf("The sshd at %s would not connect a channel to %s: %s (%s)", address, socketPath,
                    e.getReason(), e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            if (channel != null) {
                closeQuietly(channel, description);
            }
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

    private static void closeQuietly(Channel channel, String description) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debugf("Closing the channel of %s failed: %s", description, e);
        }
    }
}
