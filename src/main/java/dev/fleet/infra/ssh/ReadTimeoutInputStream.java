package dev.fleet.infra.ssh;

import dev.fleet.desired.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A channel's input with a read timeout, which sshj's channel streams lack: their reads wait for data
 * without limit. A read that waits longer than the timeout ends the underlying stream (closing it is
 * the one way to wake a reader blocked inside sshj) and throws {@link SocketTimeoutException}, as a
 * socket with {@code SO_TIMEOUT} does.
 *
 * <p>After a timeout the stream stays broken: the channel must be closed, as a socket connection is
 * after a read timeout. A timeout of zero waits forever.
 */
final class ReadTimeoutInputStream extends ChunkedInputStream {

    // One daemon thread for the whole process: it only fires the rare timeout, the reads stay on
    // their callers' threads.
    private static final ScheduledThreadPoolExecutor ALARMS = alarms();

    private final String source;
    private volatile Duration timeout = Duration.ZERO;
    private volatile boolean timedOut;

    /** @param source what the stream reads from, for the timeout's message */
    ReadTimeoutInputStream(InputStream in, String source) {
        super(in);
        this.source = source;
    }

    void setTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative read timeout: " + timeout);
        }
        this.timeout = timeout;
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Duration limit = timeout;
        if (timedOut) {
            throw timeoutException(limit);
        }
        // Data already buffered needs no alarm; that is most reads of a longer answer.
        if (limit.isZero() || length == 0 || in.available() > 0) {
            return in.read(buffer, offset, length);
        }
        ScheduledFuture<?> alarm = ALARMS.schedule(this::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
        int read;
        try {
            read = in.read(buffer, offset, length);
        } finally {
            alarm.cancel(false);
        }
        // Data that came is data, even if the alarm rang just after (the next read fails); an end of
        // stream may be the alarm's doing, so it counts as the timeout.
        if (timedOut && read < 0) {
            throw timeoutException(limit);
        }
        return read;
    }

    private void expire() {
        timedOut = true;
        try {
            in.close();
        } catch (IOException e) {
            // Closing only marks the end of sshj's buffer; nothing else can fail that matters here.
        }
    }

    private SocketTimeoutException timeoutException(Duration limit) {
        return new SocketTimeoutException(source + " sent nothing within " + Durations.timeout(limit));
    }

    private static ScheduledThreadPoolExecutor alarms() {
        var executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("fleet-ssh-read-timeouts").factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
