package dev.fleet.infra.ssh;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.connection.channel.Channel;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;
import org.jboss.logging.Logger;

/**
 * One open channel of an {@link SshConnection}: a raw byte pipe to a remote command's stdin and
 * stdout, or to a TCP port on the droplet.
 *
 * <p>Reads wait without limit until {@link #setReadTimeout} says otherwise. Not thread-safe for
 * concurrent reads (nor concurrent writes); one reader and one writer at a time is fine.
 */
public final class SshChannel implements Closeable {

    private static final Logger LOG = Logger.getLogger(SshChannel.class);

    private final Channel channel;
    private final ReadTimeoutInputStream input;
    private final InputStream errors;
    private final String description;

    SshChannel(Channel channel, InputStream errors, String description) {
        this.channel = channel;
        this.input = new ReadTimeoutInputStream(channel.getInputStream(), description);
        this.errors = errors;
        this.description = description;
    }

    /** What the remote end writes: the command's stdout, or what the port sends. */
    public InputStream input() {
        return input;
    }

    /** What the remote end reads. Closing it sends EOF (the command's stdin ends). */
    public OutputStream output() {
        return channel.getOutputStream();
    }

    /** The command's stderr; an empty stream for a TCP channel. Must be read, or it fills the window. */
    public InputStream errors() {
        return errors;
    }

    /**
     * The longest a read of {@link #input()} may wait for data; zero waits forever. A read that
     * waits longer throws {@link java.net.SocketTimeoutException} and leaves the channel unusable.
     */
    public void setReadTimeout(Duration timeout) {
        input.setTimeout(timeout);
    }

    public Duration readTimeout() {
        return input.timeout();
    }

    /**
     * One line of {@link #input()} (without its newline, as UTF-8), all of it within {@code within}
     * however slowly its bytes come; null at the end of the stream. For the short answers of a
     * command that fleet talks to line by line.
     *
     * @throws java.net.SocketTimeoutException when no whole line came within {@code within}; the
     *                                          channel is unusable then, as after any read timeout
     * @throws IOException                      when the line is longer than {@code limit} bytes, or the
     *                                          channel failed
     */
    public String readLine(int limit, Duration within) throws IOException {
        return BoundedReads.line(input, limit, within, description);
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /** For messages: what runs at the other end, on which droplet. */
    public String description() {
        return description;
    }

    /**
     * Sends EOF, then closes the channel and waits (at most the connection's timeout) for the droplet
     * to close its end. Never fails: a channel of a broken connection is gone anyway.
     */
    @Override
    public void close() {
        closeAndConfirm();
    }

    /**
     * Gives up on the channel: kills the remote command (sshd passes the signal on), then closes. For
     * a command stuck on something that no longer answers, which EOF alone would not end, so the
     * droplet would keep it and sshd would not confirm the close. Never fails.
     *
     * @return whether the droplet confirmed the close within the connection's timeout: it still
     *         answers, whatever became of the command
     */
    public boolean abort() {
        if (channel instanceof Session.Command command && channel.isOpen()) {
            try {
                command.signal(Signal.KILL);
            } catch (IOException e) {
                LOG.debugf("Signalling %s failed: %s", description, e);
            }
        }
        return closeAndConfirm();
    }

    private boolean closeAndConfirm() {
        try {
            if (channel.isOpen()) {
                channel.getOutputStream().close();
            }
        } catch (IOException e) {
            LOG.debugf("Sending EOF to %s failed: %s", description, e);
        }
        try {
            channel.close();
            return true;
        } catch (IOException e) {
            LOG.debugf("Closing %s failed: %s", description, e);
            return false;
        }
    }

    /**
     * The remote command's exit status, waiting at most {@code wait} for it after its output ended;
     * empty for a TCP channel, or when sshd sent none (the command was killed by a signal).
     */
    public Optional<Integer> exitStatus(Duration wait) {
        if (!(channel instanceof Session.Command command)) {
            return Optional.empty();
        }
        try {
            // At least a millisecond: sshj waits without limit for zero.
            command.join(Timeouts.millis(wait), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            LOG.debugf("Waiting for the end of %s failed: %s", description, e);
        }
        return Optional.ofNullable(command.getExitStatus());
    }

    @Override
    public String toString() {
        return description;
    }
}
