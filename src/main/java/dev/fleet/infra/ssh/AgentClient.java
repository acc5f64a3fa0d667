package dev.fleet.infra.ssh;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of the little of the ssh-agent protocol fleet needs (draft-miller-ssh-agent):
 * list the agent's keys, and have it sign with one. The private keys never leave the agent.
 *
 * <p>The agent's answers are data from another process: every exchange has a deadline, every
 * answer a size limit, and every length inside an answer is checked against what is left of it.
 * Failures are {@link AgentException}s that name the socket, never key material.
 *
 * <p>Not thread-safe: one request at a time, on one connection to the agent.
 */
final class AgentClient implements AutoCloseable {

    private static final byte FAILURE = 5;
    private static final byte REQUEST_IDENTITIES = 11;
    private static final byte IDENTITIES_ANSWER = 12;
    private static final byte SIGN_REQUEST = 13;
    private static final byte SIGN_RESPONSE = 14;

    /** Sign-request flags: RSA keys sign with SHA-2 only when asked to (RFC 8332). */
    static final int RSA_SHA2_256 = 2;
    static final int RSA_SHA2_512 = 4;

    /** OpenSSH's agent itself refuses messages over 256 KiB; no answer fleet needs comes near. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    /** More keys than anyone loads; sshd would stop asking long before (MaxAuthTries). */
    static final int MAX_KEYS = 1000;

    /** Something about the agent or its answer that stops fleet from using it. */
    static final class AgentException extends IOException {
        AgentException(String message) {
            super(message);
        }

        AgentException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * One key the agent holds.
     *
     * @param blob    the public key in SSH wire format, as the agent gave it
     * @param comment what the agent calls it (often a file name or an address); for messages only
     */
    record Key(byte[] blob, String comment) {}

    private final Path socket;
    private final Duration timeout;
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey readiness;

    private AgentClient(Path socket, Duration timeout, SocketChannel channel, Selector selector, SelectionKey readiness) {
        this.socket = socket;
        this.timeout = timeout;
        this.channel = channel;
        this.selector = selector;
        this.readiness = readiness;
    }

    /**
     * Connects to the agent listening on the UNIX socket {@code socket}.
     *
     * @param timeout how long each later exchange with it may take
     */
    static AgentClient connect(Path socket, Duration timeout) throws AgentException {
        SocketChannel channel = null;
        Selector selector = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            // Connecting to a UNIX socket does not wait on a network: it succeeds or fails at once.
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            selector = Selector.open();
            SelectionKey readiness = channel.register(selector, 0);
            return new AgentClient(socket, timeout, channel, selector, readiness);
        } catch (IOException | RuntimeException e) {
            closeQuietly(selector);
            closeQuietly(channel);
            throw new AgentException("cannot connect to the ssh-agent at " + socket + ": " + describe(e), e);
        }
    }

    /** The keys the agent holds, in its order. */
    List<Key> identities() throws AgentException {
        Answer answer = exchange(new Request().put(REQUEST_IDENTITIES));
        byte type = answer.type();
        if (type == FAILURE) {
            throw new AgentException("the ssh-agent at " + socket + " refused to list its keys");
        }
        answer.expect(type, IDENTITIES_ANSWER);
        int count = answer.uint32();
        if (count > MAX_KEYS) {
            throw new AgentException("the ssh-agent at " + socket + " says it holds " + count + " keys; fleet accepts"
                    + " at most " + MAX_KEYS);
        }
        List<Key> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] blob = answer.string();
            String comment = new String(answer.string(), StandardCharsets.UTF_8);
            keys.add(new Key(blob, comment));
        }
        answer.end();
        return keys;
    }

    /**
     * The agent's signature of {@code data} with the key {@code blob}, as SSH puts it in a message
     * (the algorithm's name, then the signature).
     *
     * @param flags {@link #RSA_SHA2_256}, {@link #RSA_SHA2_512}, or 0
     */
    byte[] sign(byte[] blob, byte[] data, int flags) throws AgentException {
        Answer answer = exchange(new Request().put(SIGN_REQUEST).string(blob).string(data).uint32(flags));
        byte type = answer.type();
        if (type == FAILURE) {
            throw new AgentException("the ssh-agent at " + socket + " refused to sign (a key added with ssh-add -c"
                    + " needs a confirmation; one added with a lifetime may have expired)");
        }
        answer.expect(type, SIGN_RESPONSE);
        byte[] signature = answer.string();
        answer.end();
        return signature;
    }

    /** Where the agent listens, for messages. */
    Path socket() {
        return socket;
    }

    @Override
    public void close() {
        closeQuietly(selector);
        closeQuietly(channel);
    }

    /** Sends one message and reads the one answer, all within the timeout. */
    private Answer exchange(Request message) throws AgentException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            byte[] body = message.bytes();
            ByteBuffer out = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, deadline);
                }
            }
            ByteBuffer length = ByteBuffer.allocate(4);
            fill(length, deadline);
            int size = length.flip().getInt();
            if (size <= 0 || size > MAX_MESSAGE_BYTES) {
                throw new AgentException("the ssh-agent at " + socket + " answered with a message of "
                        + Integer.toUnsignedString(size) + " bytes; fleet accepts 1 to " + MAX_MESSAGE_BYTES);
            }
            ByteBuffer answer = ByteBuffer.allocate(size);
            fill(answer, deadline);
            return new Answer(answer.flip());
        } catch (AgentException e) {
            throw e;
        } catch (IOException e) {
            throw new AgentException("talking to the ssh-agent at " + socket + " failed: " + describe(e), e);
        }
    }

    private void fill(ByteBuffer buffer, long deadline) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer);
            if (read < 0) {
                throw new AgentException("the ssh-agent at " + socket + " closed the connection before it answered");
            }
            if (read == 0) {
                await(SelectionKey.OP_READ, deadline);
            }
        }
    }

    /** Waits until the channel is ready for {@code operation}, or throws once the deadline has passed. */
    private void await(int operation, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AgentException("the ssh-agent at " + socket + " did not answer within " + timeout.toMillis()
                    + " ms");
        }
        readiness.interestOps(operation);
        // Rounded up: select(0) would wait forever.
        selector.select(Math.max(1, (left + 999_999) / 1_000_000));
        selector.selectedKeys().clear();
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Nothing to release beyond the descriptor, which close gave back either way.
        }
    }

    /** Builds one message: its type, then SSH wire types (big-endian uint32, length-prefixed strings). */
    private static final class Request {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Request put(byte value) {
            bytes.write(value);
            return this;
        }

        Request uint32(int value) {
            try {
                out.writeInt(value);
            } catch (IOException e) {
                throw new IllegalStateException("writing to memory cannot fail", e);
            }
            return this;
        }

        Request string(byte[] value) {
            uint32(value.length);
            bytes.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    /** Reads one answer; every length is checked against what is left of it. */
    private final class Answer {

        private final ByteBuffer buffer;

        Answer(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        byte type() throws AgentException {
            need(1);
            return buffer.get();
        }

        void expect(byte type, byte expected) throws AgentException {
            if (type != expected) {
                throw new AgentException("the ssh-agent at " + socket + " answered with message type " + type
                        + " where " + expected + " was expected");
            }
        }

        /** A uint32 that must fit in an int: lengths and counts beyond 2 GiB are never real. */
        int uint32() throws AgentException {
            need(4);
            int value = buffer.getInt();
            if (value < 0) {
                throw malformed();
            }
            return value;
        }

        byte[] string() throws AgentException {
            int length = uint32();
            need(length);
            byte[] value = new byte[length];
            buffer.get(value);
            return value;
        }

        void end() throws AgentException {
            if (buffer.hasRemaining()) {
                throw malformed();
            }
        }

        private void need(int bytes) throws AgentException {
            if (buffer.remaining() < bytes) {
                throw malformed();
            }
        }

        private AgentException malformed() {
            return new AgentException("the ssh-agent at " + socket + " sent a malformed answer");
        }
    }
}
