package dev.fleet.infra.docker;

import dev.fleet.infra.ssh.ChunkedInputStream;
import dev.fleet.infra.ssh.SshChannel;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link Socket} whose connection is an SSH channel to the droplet's Docker engine: a
 * streamlocal channel to its socket, or a channel running {@code docker system dial-stdio} whose
 * stdin and stdout are a byte pipe to it. Either way httpclient5 speaks the Engine API over it as
 * over any socket.
 *
 * <p>{@link #connect} opens the channel; {@link #setSoTimeout} is the channel's read timeout, which
 * is how httpclient5's response timeout reaches it. TCP options mean nothing here and are only kept,
 * so that the connection manager can set them. dial-stdio reports its errors only on stderr: it is
 * read whenever the pipe ends or breaks, and handed to {@code onError} (a streamlocal channel has no
 * stderr).
 */
final class EngineSocket extends Socket {

    /** Opens the channel; called once, by {@link #connect}. */
    interface ChannelOpener {
        SshChannel open() throws IOException;
    }

    private final ChannelOpener opener;
    private final Consumer<String> onError;
    private volatile SshChannel channel;
    private volatile SocketAddress remote;
    private volatile boolean closed;
    // Set when a read or write failed (a timeout, say): the pipe is in an unknown state.
    private volatile boolean broken;
    private volatile boolean inputShut;
    private volatile boolean outputShut;
    private volatile int soTimeoutMillis;
    private boolean tcpNoDelay;
    private boolean keepAlive;
    private boolean reuseAddress;
    private int lingerSeconds = -1;
    private int receiveBufferSize = 64 * 1024;
    private int sendBufferSize = 64 * 1024;

    /** @param onError receives what dial-stdio wrote on stderr, when it wrote anything */
    EngineSocket(ChannelOpener opener, Consumer<String> onError) {
        this.opener = opener;
        this.onError = onError;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    /** Opens the channel; the address is only remembered (the channel decides where it goes). */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (channel != null) {
            throw new SocketException("already connected");
        }
        SshChannel opened = opener.open();
        opened.setReadTimeout(Duration.ofMillis(soTimeoutMillis));
        remote = endpoint;
        channel = opened;
        if (closed) {
            opened.close();
        }
    }

    @Override
    public void bind(SocketAddress bindpoint) {
        // A channel has no local address to bind.
    }

    @Override
    public InputStream getInputStream() throws IOException {
        SshChannel open = connected();
        return new ChunkedInputStream(open.input()) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (inputShut) {
                    return -1;
                }
                int read = guarded(() -> in.read(buffer, offset, length));
                if (read < 0) {
                    collectErrors();
                }
                return read;
            }

            @Override
            public void close() {
                EngineSocket.this.close();
            }
        };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        SshChannel open = connected();
        return new FilterOutputStream(open.output()) {
            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                if (outputShut) {
                    throw new SocketException("Socket output is shut down");
                }
                guarded(() -> {
                    out.write(buffer, offset, length);
                    return length;
                });
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void flush() throws IOException {
                guarded(() -> {
                    out.flush();
                    return 0;
                });
            }

            @Override
            public void close() {
                EngineSocket.this.close();
            }
        };
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        SshChannel open = channel;
        if (open != null) {
            collectErrors();
            // An idle pipe ends with EOF; one that broke may hang on a stuck engine: kill it.
            if (broken) {
                open.abort();
            } else {
                open.close();
            }
        }
    }

    @Override
    public void shutdownInput() {
        inputShut = true;
    }

    /** Sends EOF: sshd (streamlocal) or dial-stdio then half-closes its connection to the engine. */
    @Override
    public void shutdownOutput() throws IOException {
        outputShut = true;
        connected().output().close();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        soTimeoutMillis = timeout;
        SshChannel open = channel;
        if (open != null) {
            open.setReadTimeout(Duration.ofMillis(timeout));
        }
    }

    @Override
    public int getSoTimeout() {
        return soTimeoutMillis;
    }

    @Override
    public boolean isConnected() {
        return channel != null;
    }

    @Override
    public boolean isBound() {
        return channel != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public InetAddress getInetAddress() {
        return remote instanceof InetSocketAddress address ? address.getAddress() : null;
    }

    @Override
    public int getPort() {
        return remote instanceof InetSocketAddress address ? address.getPort() : 0;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return remote;
    }

    @Override
    public InetAddress getLocalAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getLocalPort() {
        return -1;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return null;
    }

    // TCP options: accepted and kept, without effect on a channel.

    @Override
    public void setTcpNoDelay(boolean on) {
        tcpNoDelay = on;
    }

    @Override
    public boolean getTcpNoDelay() {
        return tcpNoDelay;
    }

    @Override
    public void setKeepAlive(boolean on) {
        keepAlive = on;
    }

    @Override
    public boolean getKeepAlive() {
        return keepAlive;
    }

    @Override
    public void setReuseAddress(boolean on) {
        reuseAddress = on;
    }

    @Override
    public boolean getReuseAddress() {
        return reuseAddress;
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
        lingerSeconds = on ? linger : -1;
    }

    @Override
    public int getSoLinger() {
        return lingerSeconds;
    }

    @Override
    public void setReceiveBufferSize(int size) {
        receiveBufferSize = size;
    }

    @Override
    public int getReceiveBufferSize() {
        return receiveBufferSize;
    }

    @Override
    public void setSendBufferSize(int size) {
        sendBufferSize = size;
    }

    @Override
    public int getSendBufferSize() {
        return sendBufferSize;
    }

    @Override
    public void setOOBInline(boolean on) {}

    @Override
    public boolean getOOBInline() {
        return false;
    }

    @Override
    public void setTrafficClass(int tc) {}

    @Override
    public int getTrafficClass() {
        return 0;
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {}

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported over an SSH channel");
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) {
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) {
        throw new UnsupportedOperationException(name + " is not supported over an SSH channel");
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    @Override
    public String toString() {
        SshChannel open = channel;
        return "EngineSocket[" + (open == null ? "unconnected" : open.description()) + (closed ? ", closed" : "") + "]";
    }

    private SshChannel connected() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        SshChannel open = channel;
        if (open == null) {
            throw new SocketException("Socket is not connected");
        }
        return open;
    }

    private interface Io {
        int run() throws IOException;
    }

    /** A broken pipe is when dial-stdio's stderr says why: collect it before the error travels up. */
    private int guarded(Io io) throws IOException {
        try {
            return io.run();
        } catch (IOException e) {
            broken = true;
            collectErrors();
            throw e;
        }
    }

    /** Reads what dial-stdio wrote on stderr so far, without waiting for more. */
    private void collectErrors() {
        SshChannel open = channel;
        if (open == null) {
            return;
        }
        try {
            InputStream errors = open.errors();
            int available = errors.available();
            if (available <= 0) {
                return;
            }
            byte[] bytes = errors.readNBytes(Math.min(available, 64 * 1024));
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                onError.accept(text);
            }
        } catch (IOException e) {
            // stderr is gone with the channel; nothing more to say.
        }
    }
}
