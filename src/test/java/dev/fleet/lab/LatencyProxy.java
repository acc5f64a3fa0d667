package dev.fleet.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP proxy on loopback that holds every chunk it forwards for a fixed time, each way: a link
 * with that much latency (this machine's kernel has no netem to add it inside a droplet). Order is
 * kept; each connection ends when either side ends it. Closed with the test.
 */
public final class LatencyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Duration delay;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LatencyProxy(InetSocketAddress target, Duration delay) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.delay = delay;
        Thread.ofPlatform().daemon().name("latency-proxy-accept").start(this::accept);
    }

    /** A proxy to {@code host:port} adding {@code delay} each way. */
    public static LatencyProxy to(String host, int port, Duration delay) {
        try {
            return new LatencyProxy(new InetSocketAddress(host, port), delay);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // A connection that could not be made: the client sees it closed.
            }
        }
    }

    private record Chunk(long dueNanos, byte[] bytes) {}

    private static final Chunk END = new Chunk(0, new byte[0]);

    /** One direction: a reader that stamps each chunk, a writer that sends it once it is due. */
    private void pump(Socket from, Socket to) {
        LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream()) {
                byte[] buffer = new byte[16 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    queue.add(new Chunk(System.nanoTime() + delay.toNanos(), Arrays.copyOf(buffer, n)));
                }
            } catch (IOException e) {
                // The connection ended.
            }
            queue.add(END);
        });
        Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = to.getOutputStream();
                for (Chunk chunk = queue.take(); chunk != END; chunk = queue.take()) {
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                closeQuietly(to);
                closeQuietly(from);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sockets.forEach(LatencyProxy::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
