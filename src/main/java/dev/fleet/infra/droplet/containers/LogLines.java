package dev.fleet.infra.droplet.containers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Turns one stream of a container's log bytes (its stdout, or its stderr) into whole lines, however
 * the engine cut them into frames or chunks. Each line starts with the engine's timestamp ({@code
 * timestamps=1}), which is taken off and handed apart: it is where following resumes after a break.
 * Memory is bounded: a line longer than {@value #LIMIT} bytes is handed on cut, marked so, and the
 * rest of it dropped.
 */
public final class LogLines {

    /** The longest line kept whole. */
    public static final int LIMIT = 64 * 1024;

    static final String CUT = " [cut: longer than 64 KiB]";

    /** Where whole lines go. */
    @FunctionalInterface
    public interface Sink {
        void line(Optional<Instant> time, String text);
    }

    private final Sink sink;
    private final boolean timestamps;
    private final byte[] line;
    private int size;
    private boolean cutting;

    /** @param timestamps whether each line starts with the engine's timestamp and a space */
    public LogLines(boolean timestamps, Sink sink) {
        this(timestamps, sink, LIMIT);
    }

    LogLines(boolean timestamps, Sink sink, int limit) {
        this.timestamps = timestamps;
        this.sink = sink;
        this.line = new byte[limit];
    }

    /** Takes the next bytes of the stream. */
    public void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (!cutting) {
                    emit("");
                }
                size = 0;
                cutting = false;
            } else if (!cutting) {
                if (size == line.length) {
                    emit(CUT);
                    size = 0;
                    cutting = true;
                } else {
                    line[size++] = b;
                }
            }
        }
    }

    /** The stream ended: a last line without its newline is handed on as it is. */
    public void end() {
        if (size > 0 && !cutting) {
            emit("");
        }
        size = 0;
        cutting = false;
    }

    private void emit(String mark) {
        int end = size > 0 && line[size - 1] == '\r' ? size - 1 : size;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        Optional<Instant> time = Optional.empty();
        if (timestamps) {
            int space = text.indexOf(' ');
            String stamp = space < 0 ? text : text.substring(0, space);
            try {
                time = Optional.of(Instant.parse(stamp));
                text = space < 0 ? "" : text.substring(space + 1);
            } catch (DateTimeParseException e) {
                // Not the engine's timestamp (the rest of a line docker split): the text as it came.
            }
        }
        sink.line(time, text + mark);
    }
}
