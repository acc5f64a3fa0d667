package dev.fleet.infra.docker;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * An HTTP/1.1 body in chunks ({@code Transfer-Encoding: chunked}), as dockerd sends a container's
 * logs, decoded: the chunks' bytes, then the end at the last (empty) chunk. A chunk's size line is
 * bounded; the chunk itself is streamed, never held.
 */
final class ChunkedBody extends InputStream {

    private static final int SIZE_LINE_LIMIT = 1024;

    private final InputStream in;
    private long left;
    private boolean ended;

    ChunkedBody(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (left == 0 && !ended) {
            left = nextSize();
            if (left == 0) {
                ended = true;
            }
        }
        if (ended) {
            return -1;
        }
        int read = in.read(buffer, offset, (int) Math.min(length, left));
        if (read < 0) {
            throw new EOFException("the Docker engine's answer ended inside a chunk");
        }
        left -= read;
        if (left == 0) {
            line();
        }
        return read;
    }

    private long nextSize() throws IOException {
        String line = line();
        int extension = line.indexOf(';');
        String hex = (extension >= 0 ? line.substring(0, extension) : line).strip();
        try {
            long size = Long.parseLong(hex, 16);
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new IOException("the Docker engine's answer has a bad chunk size: " + hex.replaceAll("[^\\x20-\\x7e]", "?"));
        }
    }

    /** One CRLF-ended line, without its end. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("the Docker engine's answer ended inside a chunk's size line");
            }
            if (next == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            if (line.length() == SIZE_LINE_LIMIT) {
                throw new IOException("the Docker engine's answer has a chunk size line longer than " + SIZE_LINE_LIMIT);
            }
            line.append((char) next);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
