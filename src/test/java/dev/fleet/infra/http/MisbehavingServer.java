package dev.fleet.infra.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on loopback that answers every request in one bad way, for tests of clients that
 * must not wait for ever nor read without end. It reads each request whole (headers and a
 * Content-Length body), keeps its text, then misbehaves until the client lets go.
 */
public final class MisbehavingServer implements AutoCloseable {

    /** How every answer goes wrong. */
    public enum Behaviour {
        /** Reads the request and sends nothing. */
        SILENT,
        /** Sends the status line and headers (announcing a body), then nothing. */
        HEADERS_THEN_STALL,
        /** Sends the headers, then one byte of body every 100 ms, for ever. */
        TRICKLE,
        /** Sends the headers, then body bytes as fast as the client takes them, for ever. */
        ENDLESS_BODY
    }

    private final ServerSocket socket;
    private final Behaviour behaviour;
    private final int status;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger letGo = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private MisbehavingServer(Behaviour behaviour, int status) throws IOException {
        this.socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.behaviour = behaviour;
        this.status = status;
        Thread.ofPlatform().daemon().name("misbehaving-server").start(this::accept);
    }

    /** Starts a server that answers {@code status} (when it answers at all) in the {@code behaviour}'s way. */
    public static MisbehavingServer start(Behaviour behaviour, int status) throws IOException {
        return new MisbehavingServer(behaviour, status);
    }

    public static MisbehavingServer start(Behaviour behaviour) throws IOException {
        return start(behaviour, 200);
    }

    public int port() {
        return socket.getLocalPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Each request received so far, headers and body, as text. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public int connections() {
        return accepted.get();
    }

    /** Connections the client closed (seen as an end of input or a failed write). */
    public int closedByClient() {
        return letGo.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                accepted.incrementAndGet();
                open.add(connection);
                Thread.ofVirtual().start(() -> serve(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            String request = readRequest(in);
            if (request == null) {
                letGo.incrementAndGet();
                return;
            }
            requests.add(request);
            if (behaviour != Behaviour.SILENT) {
                out.write(("HTTP/1.1 " + status + " Whatever\r\nContent-Type: text/plain\r\nContent-Length: "
                        + (1L << 40) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            switch (behaviour) {
                case SILENT, HEADERS_THEN_STALL -> {
                    while (in.read() >= 0) {
                        // waits for the client to close
                    }
                }
                case TRICKLE -> {
                    while (true) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(100);
                    }
                }
                case ENDLESS_BODY -> {
                    byte[] chunk = new byte[64 * 1024];
                    while (true) {
                        out.write(chunk);
                    }
                }
            }
            letGo.incrementAndGet();
        } catch (IOException e) {
            if (!socket.isClosed()) {
                letGo.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(connection);
        }
    }

    /** The request's head and its Content-Length body, or null when the client closed first. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b = 0;
        while (b != '\n' || !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = text.lines().map(line -> line.toLowerCase(Locale.ROOT))
                .filter(line -> line.startsWith("content-length:"))
                .mapToInt(line -> Integer.parseInt(line.substring("content-length:".length()).strip()))
                .findFirst().orElse(0);
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : open) {
            connection.close();
        }
    }
}
