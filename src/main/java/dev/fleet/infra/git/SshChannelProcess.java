package dev.fleet.infra.git;

import dev.fleet.infra.ssh.SshChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A remote command on an SSH exec channel, as the {@link Process} JGit's SSH transport expects
 * ({@code git-upload-pack} on the git server): its stdout, stderr and stdin are the channel's.
 *
 * <p>Nothing waits without limit: a read of stdout that gets no byte within {@code timeout} fails
 * (the channel is unusable then, as a socket after its read timeout), {@link #waitFor()} gives up
 * after {@code timeout} and ends the command, and {@link #destroy()} closes the channel, which ends
 * every read of it.
 */
final class SshChannelProcess extends Process {

    /** How long {@link #exitValue()} waits for the status of a command whose output has ended. */
    private static final Duration STATUS_GRACE = Duration.ofSeconds(2);

    private final SshChannel channel;
    private final Duration timeout;

    SshChannelProcess(SshChannel channel, Duration timeout) {
        this.channel = channel;
        this.timeout = timeout;
        channel.setReadTimeout(timeout);
    }

    @Override
    public OutputStream getOutputStream() {
        return channel.output();
    }

    @Override
    public InputStream getInputStream() {
        return channel.input();
    }

    @Override
    public InputStream getErrorStream() {
        return channel.errors();
    }

    /** The exit status, waiting at most the timeout; a command still running then is ended (status -1). */
    @Override
    public int waitFor() {
        Optional<Integer> status = channel.exitStatus(timeout);
        if (status.isEmpty()) {
            channel.abort();
        }
        return status.orElse(-1);
    }

    @Override
    public boolean waitFor(long time, TimeUnit unit) {
        Duration wait = Duration.ofNanos(unit.toNanos(time));
        return channel.exitStatus(wait.compareTo(timeout) < 0 ? wait : timeout).isPresent();
    }

    /**
     * The exit status. JGit asks for it once the command's output ended (a repository not found, a
     * git that is not installed: status 127), when sshd may not have sent it yet: a short wait.
     *
     * @throws IllegalThreadStateException when the command has not ended
     */
    @Override
    public int exitValue() {
        return channel.exitStatus(STATUS_GRACE).orElseThrow(
                () -> new IllegalThreadStateException(channel.description() + " has not exited"));
    }

    @Override
    public boolean isAlive() {
        return channel.isOpen();
    }

    /** Ends the command and closes its channel (a command that already ended only has its channel closed). */
    @Override
    public void destroy() {
        if (channel.exitStatus(Duration.ofMillis(1)).isPresent()) {
            channel.close();
        } else {
            channel.abort();
        }
    }

    @Override
    public String toString() {
        return channel.description();
    }
}
