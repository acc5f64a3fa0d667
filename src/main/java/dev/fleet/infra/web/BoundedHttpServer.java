package dev.fleet.infra.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 server for short answers rendered in memory, bounded wherever a client could
 * hold it: a request's head must arrive whole within the head timeout and fit in {@value
 * #MAX_HEAD} bytes, an answer must be taken within the write timeout, and at most so many
 * connections are open at once ({@link ConnectionSlots} says which gives way). One request per
 * connection ({@code Connection: close}), so no idle keep-alive connection holds a slot.
 *
 * <p>The JDK's own server has these bounds only as JVM-wide system properties read once, and
 * none that keeps a newcomer's request from waiting behind slow clients.
 */
final class BoundedHttpServer implements AutoCloseable {

    /** Enough for any browser's or monitoring agent's request head. */
    static final int MAX_HEAD = 8 * 1024;

    /** A request's head. Header names are lower case; a name sent twice has two values. */
    record Request(String method, String path, Map<String, List<String>> headers) {

        List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    /** An answer; {@code headers} are those beyond the content type, length and cache control. */
    record Response(int status, String contentType, String body, Map<String, String> headers) {

        static Response text(int status, String body) {
            return new Response(status, "text/plain; charset=utf-8", body, Map.of());
        }
    }

    /** Answers a request; runs on the connection's own thread, and must not wait on anything slow. */
    @FunctionalInterface
    interface Handler {
        Response answer(Request request);
    }

    /**
     * @param headTimeout    how long a request's head may take to arrive, from the connection
     * @param writeTimeout   how long a client may take to receive the answer
     * @param maxConnections how many connections may be open at once
     */
    record Limits(Duration headTimeout, Duration writeTimeout, int maxConnections) {
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(10), 64);
    }

    /** A request fleet will not answer as asked, and the status that says why. */
    private static final class Refused extends Exception {
        final int status;

        Refused(int status, String why) {
            super(why, null, false, false);
            this.status = status;
        }
    }

    // One daemon thread for the process: it only closes a connection whose client stopped reading.
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final ServerSocket listener;
    private final Limits limits;
    private final Handler handler;
    private final ConnectionSlots slots;

    private BoundedHttpServer(ServerSocket listener, Limits limits, Handler handler) {
        this.listener = listener;
        this.limits = limits;
        this.handler = handler;
        this.slots = new ConnectionSlots(limits.maxConnections());
    }

    /** Listens on {@code address} (a port of 0 picks a free one) and answers until closed. */
    static BoundedHttpServer start(InetSocketAddress address, Limits limits, Handler handler) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        BoundedHttpServer server = new BoundedHttpServer(listener, limits, handler);
        Thread.ofPlatform().daemon().name("fleet-status-accept").start(server::acceptUntilClosed);
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private void acceptUntilClosed() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                continue; // closed (the loop ends), or a connection reset before it was accepted
            }
            ConnectionSlots.Admission admission = slots.admit(socket);
            admission.evicted().ifPresent(BoundedHttpServer::closeQuietly);
            if (admission.admitted()) {
                Thread.ofVirtual().name("fleet-status-connection").start(() -> serve(socket));
            } else {
                refuseBusy(socket);
            }
        }
    }

    /** Every open connection is being answered: this one is told so at once (a fresh socket takes it). */
    private static void refuseBusy(Socket socket) {
        try (socket) {
            socket.getOutputStream().write(render(Response.text(503, "busy: too many connections; try again\n"),
                    false));
        } catch (IOException e) {
            // the client left already
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            long deadline = System.nanoTime() + limits.headTimeout().toNanos();
            Response response;
            boolean head = false;
            try {
                Request request = parse(readHead(socket, deadline));
                head = request.method().equals("HEAD");
                slots.answering(socket);
                response = handler.answer(request);
            } catch (SocketTimeoutException e) {
                slots.answering(socket);
                response = Response.text(408, "the request did not arrive whole within "
                        + limits.headTimeout().toSeconds() + "s\n");
            } catch (Refused e) {
                slots.answering(socket);
                response = Response.text(e.status, e.getMessage() + "\n");
            }
            write(socket, render(response, head));
        } catch (IOException e) {
            // the client went away, or was cut off at a bound
        } finally {
            slots.closed(socket);
        }
    }

    /** The request's head, up to its blank line, read within the deadline. */
    private static String readHead(Socket socket, long deadline) throws IOException, Refused {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException();
            }
            socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            int read = in.read(buffer);
            if (read < 0) {
                throw new IOException("the client closed before its request ended");
            }
            head.write(buffer, 0, read);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int end = endOfHead(text);
            if (end >= 0 && end <= MAX_HEAD) {
                return text.substring(0, end);
            }
            if (end > MAX_HEAD || head.size() > MAX_HEAD) {
                throw new Refused(431, "the request's head is longer than " + MAX_HEAD + " bytes");
            }
        }
    }

    private static int endOfHead(String text) {
        int crlf = text.indexOf("\r\n\r\n");
        int lf = text.indexOf("\n\n");
        return crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
    }

    private static Request parse(String head) throws Refused {
        String[] lines = head.split("\r?\n");
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || !requestLine[1].startsWith("/")) {
            throw new Refused(400, "not an HTTP/1 request line: GET /path HTTP/1.1");
        }
        String path;
        try {
            path = new URI(requestLine[1]).getPath();
        } catch (URISyntaxException e) {
            throw new Refused(400, "not a path: " + e.getReason());
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0 || Character.isWhitespace(lines[i].charAt(0))) {
                throw new Refused(400, "not a header line: Name: value");
            }
            headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    name -> new ArrayList<>()).add(lines[i].substring(colon + 1).strip());
        }
        return new Request(requestLine[0], path, headers);
    }

    private static byte[] render(Response response, boolean head) {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reason(response.status())).append("\r\n");
        text.append("Content-Type: ").append(response.contentType()).append("\r\n");
        text.append("Content-Length: ").append(body.length).append("\r\n");
        text.append("Cache-Control: no-store\r\nConnection: close\r\n");
        response.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        byte[] headBytes = text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (head) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 421 -> "Misdirected Request";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** Writes the answer; a client that does not take it within the write timeout is cut off. */
    private void write(Socket socket, byte[] answer) throws IOException {
        ScheduledFuture<?> cut = WATCHDOG.schedule(() -> closeQuietly(socket), limits.writeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(answer);
            out.flush();
            socket.shutdownOutput();
        } finally {
            cut.cancel(false);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was wanted
        }
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("fleet-status-watchdog").factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // nothing more to do
        }
        slots.closeAll().forEach(BoundedHttpServer::closeQuietly);
    }
}
