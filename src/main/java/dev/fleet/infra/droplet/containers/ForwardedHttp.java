package dev.fleet.infra.droplet.containers;

import dev.fleet.desired.Durations;
import dev.fleet.infra.ssh.ChunkedInputStream;
import dev.fleet.infra.ssh.SshChannel;
import dev.fleet.infra.ssh.SshConnection;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * GETs from the droplet's own loopback through an SSH port forward (a direct-tcpip channel): the
 * app is asked from where it runs, so the answer is the app's, not the network's or a proxy's, and
 * its port need not be open to the world.
 */
public final class ForwardedHttp implements HealthProber.Http {

    private static final String LOOPBACK = "127.0.0.1";

    private final SshConnection ssh;

    public ForwardedHttp(SshConnection ssh) {
        this.ssh = ssh;
    }

    /** {@inheritDoc} The timeout bounds the whole exchange from the moment the forward is open. */
    @Override
    public HttpAnswer get(String path, int port, Duration timeout) throws IOException {
        return send("GET", path, port, timeout);
    }

    /** Sends {@code method} (GET or POST) to {@code path}; the timeout bounds the whole exchange. */
    public HttpAnswer send(String method, String path, int port, Duration timeout) throws IOException {
        try (SshChannel channel = ssh.forward(LOOPBACK, port)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            OutputStream out = channel.output();
            out.write(HttpAnswer.request(method, path, LOOPBACK + ":" + port));
            out.flush();
            return HttpAnswer.read(new BufferedInputStream(new UntilDeadline(channel, deadline, timeout)));
        }
    }

    /** Gives each read what is left of the exchange's time, so slow drips cannot add up past it. */
    private static final class UntilDeadline extends ChunkedInputStream {

        private final SshChannel channel;
        private final long deadline;
        private final Duration timeout;

        UntilDeadline(SshChannel channel, long deadline, Duration timeout) {
            super(channel.input());
            this.channel = channel;
            this.deadline = deadline;
            this.timeout = timeout;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no complete answer within " + Durations.timeout(timeout));
            }
            channel.setReadTimeout(Duration.ofNanos(left));
            return in.read(buffer, offset, length);
        }
    }
}
