package dev.fleet.infra.ssh;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter whose every read goes through {@link #read(byte[], int, int)}, so that a subclass puts
 * its deadline or its end-of-stream rule in one place: a single byte is read as a chunk of one.
 */
public abstract class ChunkedInputStream extends FilterInputStream {

    protected ChunkedInputStream(InputStream in) {
        super(in);
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] buffer, int offset, int length) throws IOException;
}
