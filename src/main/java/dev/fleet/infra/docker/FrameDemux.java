package dev.fleet.infra.docker;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Docker's multiplexed stream, as an exec or a container's logs give it when there is no TTY: frames
 * of an 8-byte header (the stream: 0 stdin, 1 stdout, 2 stderr, 3 the engine's own error; three
 * zero bytes; the payload's length, 4 bytes big-endian) and the payload. Read in pieces of at most
 * a buffer, so a frame's declared length costs no memory.
 */
public final class FrameDemux {

    /** Where the payload goes, piece by piece. */
    @FunctionalInterface
    public interface Sink {
        void write(Stream stream, byte[] bytes, int offset, int length) throws IOException;
    }

    /** The two streams fleet tells apart: the engine's own errors go with stderr, stdin with stdout. */
    public enum Stream { STDOUT, STDERR }

    private static final int BUFFER = 8 * 1024;

    private FrameDemux() {}

    /**
     * Copies every frame of {@code in} to {@code sink} until the stream ends between two frames.
     *
     * @throws IOException when it ends inside a frame, or a header is not one of Docker's
     */
    public static void copy(InputStream in, Sink sink) throws IOException {
        byte[] header = new byte[8];
        byte[] buffer = new byte[BUFFER];
        while (true) {
            int got = in.readNBytes(header, 0, header.length);
            if (got == 0) {
                return;
            }
            if (got < header.length) {
                throw new EOFException("the Docker engine's stream ended inside a frame's header");
            }
            if (header[0] < 0 || header[0] > 3 || header[1] != 0 || header[2] != 0 || header[3] != 0) {
                throw new IOException("the Docker engine's stream is not multiplexed as expected (a frame header of "
                        + String.format("%02x%02x%02x%02x", header[0], header[1], header[2], header[3]) + ")");
            }
            Stream stream = header[0] == 2 || header[0] == 3 ? Stream.STDERR : Stream.STDOUT;
            long length = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                    | (header[7] & 0xff);
            while (length > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, length));
                if (read < 0) {
                    throw new EOFException("the Docker engine's stream ended inside a frame");
                }
                sink.write(stream, buffer, 0, read);
                length -= read;
            }
        }
    }
}
