package dev.fleet.infra.ssh;

import dev.fleet.desired.ByteCounts;
import dev.fleet.desired.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads of what a droplet sends that stop at a stated size, and for a line at a stated time: a
 * droplet that floods fleet, or sends a byte now and then and never the end, is refused, never
 * buffered or waited for without limit.
 */
final class BoundedReads {

    private static final int CHUNK = 16 * 1024;

    private BoundedReads() {}

    /** More came than a read takes; what came is dropped. */
    static final class OverLimit extends IOException {
        OverLimit(String message) {
            super(message);
        }
    }

    /**
     * Everything up to the end of {@code in}, at most {@code limit} bytes.
     *
     * @param what names the stream in the message ({@code stdout})
     * @throws OverLimit as soon as more than {@code limit} bytes came
     */
    static byte[] whole(InputStream in, int limit, String what) throws IOException {
        var all = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        int read;
        // One byte past the limit is enough to know it is passed.
        while ((read = in.read(chunk, 0, Math.min(chunk.length, limit + 1 - all.size()))) > 0) {
            all.write(chunk, 0, read);
            if (all.size() > limit) {
                throw new OverLimit("printed more than " + ByteCounts.text(limit) + " on " + what);
            }
        }
        return all.toByteArray();
    }

    /**
     * One line of {@code in}, without its newline, decoded as UTF-8: the whole of it within {@code
     * within}, however the bytes trickle in; what came before the end of the stream if it ended
     * first, null if nothing came. Sets {@code in}'s read timeout to what is left before each read,
     * and puts the old one back.
     *
     * @throws SocketTimeoutException when the line did not come whole within {@code within}
     * @throws OverLimit when it is longer than {@code limit} bytes
     */
    static String line(ReadTimeoutInputStream in, int limit, Duration within, String source) throws IOException {
        Duration previous = in.timeout();
        long deadline = System.nanoTime() + within.toNanos();
        var line = new ByteArrayOutputStream();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw noLine(source, within);
                }
                in.setTimeout(Duration.ofNanos(left));
                int read;
                try {
                    read = in.read();
                } catch (SocketTimeoutException e) {
                    throw noLine(source, within);
                }
                if (read < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                if (read == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                if (line.size() == limit) {
                    throw new OverLimit(source + " sent a line longer than " + ByteCounts.text(limit));
                }
                line.write(read);
            }
        } finally {
            in.setTimeout(previous);
        }
    }

    private static SocketTimeoutException noLine(String source, Duration within) {
        return new SocketTimeoutException(source + " sent no whole line within " + Durations.timeout(within));
    }
}
