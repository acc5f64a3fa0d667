package dev.fleet.infra.droplet.containers;

import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.docker.EngineStream;
import dev.fleet.infra.docker.FrameDemux;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A container's logs through the Engine API ({@code GET /containers/ID/logs}), read on a channel of
 * their own: to their end, or followed with no deadline (SSH keep-alives tell a dead droplet), stdout
 * and stderr apart, line by line, each line's timestamp kept for resuming.
 */
public final class ContainerLogs {

    /** Where the lines go. */
    @FunctionalInterface
    public interface Sink {
        void line(boolean stderr, Optional<Instant> time, String text);

        /** The engine has begun to answer, at {@code engineTime} by its own clock (to the second), before any line. */
        default void opened(Instant engineTime) {}
    }

    private final DropletConnection connection;

    public ContainerLogs(DropletConnection connection) {
        this.connection = connection;
    }

    /**
     * Reads {@code container}'s logs from {@code since} (all when empty), the last {@code tail} lines
     * only when given, until they end (following: until the container stops).
     */
    public void read(ServiceContainer container, Optional<Instant> since, Optional<Integer> tail, boolean follow,
            Sink sink) throws DropletException {
        String path = "/containers/" + container.id() + "/logs?stdout=1&stderr=1&timestamps=1&follow=" + (follow ? 1 : 0)
                + since.map(time -> "&since=" + time.getEpochSecond() + "." + String.format("%09d", time.getNano()))
                        .orElse("")
                + "&tail=" + tail.map(String::valueOf).orElse("all");
        String what = "reading the logs of container " + container.name();
        try (EngineStream stream = connection.stream(what, "GET", path, Optional.empty(), false)) {
            if (stream.status() != 200) {
                throw new DropletException(UnreachableReason.DOCKER, "the Docker engine answered " + stream.status()
                        + " to " + what + ": " + stream.errorText());
            }
            stream.head().date().ifPresent(sink::opened);
            // Without following, a silent engine is a failure like any call's; following, silence is normal.
            stream.readTimeout(follow ? Duration.ZERO : connection.callTimeout());
            copy(stream.body(), container.tty(), sink);
        } catch (IOException e) {
            throw new DropletException(UnreachableReason.DOCKER, "the logs' stream broke: " + e.getMessage(), e);
        }
    }

    private static void copy(InputStream body, boolean tty, Sink sink) throws IOException {
        LogLines out = new LogLines(true, (time, text) -> sink.line(false, time, text));
        LogLines err = new LogLines(true, (time, text) -> sink.line(true, time, text));
        try {
            if (tty) {
                byte[] buffer = new byte[8 * 1024];
                for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                    out.write(buffer, 0, read);
                }
            } else {
                FrameDemux.copy(body, (stream, bytes, offset, length) ->
                        (stream == FrameDemux.Stream.STDERR ? err : out).write(bytes, offset, length));
            }
        } finally {
            out.end();
            err.end();
        }
    }
}
