package dev.fleet.infra.docker;

import dev.fleet.infra.ssh.SshChannel;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * One request to the Docker engine on a channel of its own, written by hand, whose answer is a
 * stream with no deadline of its own: an exec's input and output ({@code Upgrade: tcp}, answered
 * {@code 101}, or {@code 200} by older engines), or a container's logs followed. SSH keep-alives
 * tell a dead droplet; the read timeout is the caller's.
 *
 * <p>Closing it closes the channel. One reader and one writer at a time.
 */
public final class EngineStream implements Closeable {

    private final SshChannel channel;
    private final HttpHead head;
    private final InputStream body;

    private EngineStream(SshChannel channel, HttpHead head, InputStream body) {
        this.channel = channel;
        this.head = head;
        this.body = body;
    }

    /**
     * Writes the request on {@code channel} and reads the answer's head, within {@code headTimeout}.
     * The channel then reads without deadline until {@link #readTimeout} says otherwise.
     *
     * @param path    the path and query, without the API version
     * @param json    the request's body, when it has one
     * @param upgrade whether to ask for the raw stream both ways ({@code Upgrade: tcp})
     */
    static EngineStream open(SshChannel channel, String method, String path, Optional<String> json, boolean upgrade,
            Duration headTimeout) throws IOException {
        // Ids in the path come from the engine's own answers: data, which must not end the request line.
        if (!path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IOException("refusing to send a request whose path is not plain printable ASCII: "
                    + path.replaceAll("[^\\x21-\\x7e]", "?"));
        }
        byte[] body = json.orElse("").getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder()
                .append(method).append(" /v").append(DropletConnection.API_VERSION.getVersion()).append(path)
                .append(" HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: fleet\r\n");
        if (json.isPresent()) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        request.append(upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n" : "Connection: close\r\n").append("\r\n");
        OutputStream out = channel.output();
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        channel.setReadTimeout(headTimeout);
        InputStream in = new BufferedInputStream(channel.input(), 8 * 1024);
        HttpHead head = HttpHead.read(in, HttpHead.LIMIT);
        channel.setReadTimeout(Duration.ZERO);
        InputStream content = head.status() == 101 || !head.chunked() ? in : new ChunkedBody(in);
        if (head.status() != 101 && !head.chunked() && head.contentLength().isPresent()) {
            content = new BoundedBody(content, head.contentLength().get());
        }
        return new EngineStream(channel, head, content);
    }

    public int status() {
        return head.status();
    }

    public HttpHead head() {
        return head;
    }

    /** The answer's body: the output of the exec, or the logs (chunks decoded). */
    public InputStream body() {
        return body;
    }

    /** Where the exec's stdin goes. */
    public OutputStream input() {
        return channel.output();
    }

    /** Ends the exec's stdin: the engine half-closes its side, as {@code docker exec -i} does at EOF. */
    public void endInput() throws IOException {
        channel.output().close();
    }

    /** The longest a read of {@link #body()} may wait; zero waits forever. */
    public void readTimeout(Duration timeout) {
        channel.setReadTimeout(timeout);
    }

    /** The start of an error answer's body (Docker's {@code {"message": ...}}), for a message. */
    public String errorText() {
        try {
            String text = new String(body.readNBytes(4 * 1024), StandardCharsets.UTF_8).strip();
            return text.replaceAll("[^\\x20-\\x7e]", "?");
        } catch (IOException e) {
            return "";
        }
    }

    /** Closes the channel; never fails. A stream left mid-way is given up on, not drained. */
    @Override
    public void close() {
        channel.abort();
    }

    /** A body of a declared length: the end after it. */
    private static final class BoundedBody extends InputStream {
        private final InputStream in;
        private long left;

        BoundedBody(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int read = in.read(buffer, offset, (int) Math.min(length, left));
            if (read > 0) {
                left -= read;
            }
            return read;
        }
    }
}
