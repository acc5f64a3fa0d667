import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A strict, bounded, fixed-rate load generator for the lab's balancers: GET URL at RATE requests per
 * second until STOP_FILE exists, or SECONDS have passed, or MAX_REQUESTS were sent, whichever is first.
 * Prints one JSON line at the end.
 *
 *   java deploy/lab/load/Load.java URL RATE SECONDS [STOP_FILE]
 *
 * It is the counter behind every "0 failed requests", so it hides nothing:
 * - It speaks HTTP/1.1 itself, over plain sockets, and never sends a request twice. (The JDK's
 *   HttpClient silently resends a GET whose reused connection died before any answer, and again on a
 *   failed connect: a request that really failed would count as a success.)
 * - It connects as browsers and proxies do: keep-alive connections reused newest first, one request
 *   in ten on a new connection, idle ones dropped after 2 s (below any lab server's keep-alive timeout),
 *   and the usual stale check before reuse (a connection the server has already closed is not used;
 *   that is not a retry, nothing was sent on it).
 * - Every answer that is not a 2xx, every refused connection, reset, timeout, and connection closed
 *   before or during the answer is a failure, counted by kind.
 * - It records the worst latency, the longest gap between two successes, the rate it achieved against
 *   the one asked for (a sender that falls behind does not catch up in a burst: missed slots are
 *   missed), and what ended it ("stop" when STOP_FILE appeared; "time limit" or "request limit" when a
 *   run ended on its own, which a test that stops its load must treat as a failure).
 *
 * Only loopback URLs: it is meant for the lab's own balancers.
 */
public class Load {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"");
    private static final long MAX_REQUESTS = 400_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 3_000;
    private static final int ANSWER_TIMEOUT_MILLIS = 5_000;
    private static final long IDLE_LIMIT_NANOS = 2_000_000_000L;
    private static final int NEW_CONNECTION_EVERY = 10;
    private static final int MAX_IDLE_CONNECTIONS = 16;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    /** A slot later than this is skipped rather than sent late in a burst (a short pause of the client, its start-up say, is caught up). */
    private static final long MAX_LAG_NANOS = 500_000_000L;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: Load URL RATE SECONDS [STOP_FILE]");
            System.exit(1);
        }
        URI uri = URI.create(args[0]);
        String host = uri.getHost();
        if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost")) || !"http".equals(uri.getScheme())) {
            System.err.println("Load: only http:// loopback URLs (the lab's balancers), not " + args[0]);
            System.exit(1);
        }
        int rate = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        if (rate < 1 || rate > 2000 || seconds < 1 || seconds > 1800) {
            System.err.println("Load: RATE must be 1-2000 and SECONDS 1-1800");
            System.exit(1);
        }
        Path stopFile = args.length > 3 ? Path.of(args[3]) : null;
        Load load = new Load(uri);
        String json = load.run(rate, seconds, stopFile);
        System.out.println(json);
    }

    private final InetSocketAddress address;
    private final byte[] request;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong newConnections = new AtomicLong();
    private final AtomicLong reusedConnections = new AtomicLong();
    private final AtomicLong staleDiscarded = new AtomicLong();
    private final AtomicLong missedSlots = new AtomicLong();
    private final AtomicLong worstLatencyNanos = new AtomicLong();
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, Long> failures = new ConcurrentHashMap<>();
    private final Object successes = new Object();
    private long lastSuccessNanos;
    private long longestGapNanos;

    private Load(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        this.address = new InetSocketAddress(uri.getHost(), port);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port
                + "\r\nUser-Agent: fleet-lab-load\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private String run(int rate, long seconds, Path stopFile) throws InterruptedException {
        System.err.println("Load: started, " + rate + " requests/s on " + address);
        System.err.flush();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        long end = start + seconds * 1_000_000_000L;
        String endedBy = "time limit";
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long next = start;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                if (sent.get() >= MAX_REQUESTS) {
                    endedBy = "request limit";
                    break;
                }
                if (stopFile != null && sent.get() % 10 == 0 && Files.exists(stopFile)) {
                    endedBy = "stop";
                    break;
                }
                if (next - now > 0) {
                    Thread.sleep((next - now) / 1_000_000, (int) ((next - now) % 1_000_000));
                } else if (now - next > MAX_LAG_NANOS) {
                    long behind = (now - next) / interval;
                    missedSlots.addAndGet(behind);
                    next += behind * interval;
                }
                long number = sent.incrementAndGet();
                pool.submit(() -> send(number));
                next += interval;
            }
        }
        closeIdle();
        return summary(rate, (System.nanoTime() - start) / 1e9, endedBy);
    }

    /** One request, never resent: whatever goes wrong is counted once, by kind. */
    private void send(long number) {
        long t0 = System.nanoTime();
        Connection connection = null;
        try {
            connection = connection(number % NEW_CONNECTION_EVERY == 0);
            Answer answer = connection.exchange(request);
            long now = System.nanoTime();
            worstLatencyNanos.accumulateAndGet(now - t0, Math::max);
            if (answer.status() / 100 == 2) {
                ok.incrementAndGet();
                success(now);
                Matcher m = VERSION.matcher(answer.body());
                String version = m.find() ? m.group(1) : "?";
                versions.merge(version, 1L, Long::sum);
                lastSeen.merge(version, now, Math::max);
            } else {
                fail("HTTP " + answer.status());
            }
            if (answer.keepAlive()) {
                release(connection);
                connection = null;
            }
        } catch (Exception e) {
            worstLatencyNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
            fail(kind(e, connection));
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private void success(long now) {
        synchronized (successes) {
            if (lastSuccessNanos != 0 && now > lastSuccessNanos) {
                longestGapNanos = Math.max(longestGapNanos, now - lastSuccessNanos);
            }
            lastSuccessNanos = Math.max(lastSuccessNanos, now);
        }
    }

    private void fail(String kind) {
        failed.incrementAndGet();
        failures.merge(kind, 1L, Long::sum);
    }

    private static String kind(Exception e, Connection connection) {
        boolean connected = connection != null;
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SocketTimeoutException) {
            return connected ? "answer timeout" : "connect timeout";
        }
        if (e instanceof EOFException) {
            return e.getMessage();
        }
        if (e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("reset")) {
            return "connection reset";
        }
        if (e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("broken pipe")) {
            return "connection reset";
        }
        return "other: " + e.getClass().getSimpleName();
    }

    /** The newest live idle connection, or a new one (every tenth request, or when none is idle). */
    private Connection connection(boolean fresh) throws IOException {
        if (!fresh) {
            Connection reused;
            while ((reused = idle.pollFirst()) != null) {
                if (System.nanoTime() - reused.idleSince > IDLE_LIMIT_NANOS || reused.closedByServer()) {
                    staleDiscarded.incrementAndGet();
                    reused.close();
                    continue;
                }
                reusedConnections.incrementAndGet();
                return reused;
            }
        }
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        newConnections.incrementAndGet();
        return new Connection(socket);
    }

    private void release(Connection connection) {
        connection.idleSince = System.nanoTime();
        idle.offerFirst(connection);
        while (idle.size() > MAX_IDLE_CONNECTIONS) {
            Connection oldest = idle.pollLast();
            if (oldest != null) {
                oldest.close();
            }
        }
    }

    private void closeIdle() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    private String summary(int rate, double took, String endedBy) {
        String lastVersion = lastSeen.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey).orElse("");
        long gap;
        synchronized (successes) {
            gap = longestGapNanos;
        }
        return "{\"requests\":" + sent.get() + ",\"ok\":" + ok.get() + ",\"failed\":" + failed.get()
                + ",\"seconds\":" + String.format(Locale.ROOT, "%.1f", took)
                + ",\"targetRatePerSecond\":" + rate
                + ",\"ratePerSecond\":" + String.format(Locale.ROOT, "%.1f", sent.get() / took)
                + ",\"missedSlots\":" + missedSlots.get()
                + ",\"endedBy\":\"" + endedBy + "\""
                + ",\"maxMillis\":" + worstLatencyNanos.get() / 1_000_000
                + ",\"longestGapMillis\":" + gap / 1_000_000
                + ",\"newConnections\":" + newConnections.get()
                + ",\"reusedConnections\":" + reusedConnections.get()
                + ",\"staleConnectionsDropped\":" + staleDiscarded.get()
                + ",\"versions\":" + object(new TreeMap<>(versions))
                + ",\"lastVersion\":\"" + lastVersion + '"'
                + ",\"failures\":" + object(new TreeMap<>(failures))
                + '}';
    }

    private static String object(Map<String, Long> map) {
        return map.entrySet().stream().map(e -> "\"" + e.getKey().replace("\"", "'") + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private record Answer(int status, String body, boolean keepAlive) {}

    /** One HTTP/1.1 connection: a request at a time, answers read with a deadline and a size limit. */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private volatile long idleSince;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /**
         * The stale check clients do before reusing a connection: a read with a 1 ms deadline; end of
         * stream (or stray bytes) means the server is done with it. Nothing has been sent on it yet.
         */
        boolean closedByServer() {
            try {
                socket.setSoTimeout(1);
                in.read();
                return true; // end of stream, or bytes nobody asked for
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            } finally {
                try {
                    socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
                } catch (IOException ignored) {
                    // the next use fails and counts
                }
            }
        }

        Answer exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String head = head();
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
                throw new EOFException("not HTTP");
            }
            int status;
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (NumberFormatException e) {
                throw new EOFException("not HTTP");
            }
            long length = -1;
            boolean chunked = false;
            boolean keepAlive = statusLine[0].equals("HTTP/1.1");
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> keepAlive = value.contains("keep-alive") || (keepAlive && !value.contains("close"));
                    default -> { }
                }
            }
            byte[] body;
            if (chunked) {
                body = chunkedBody();
            } else if (length >= 0) {
                body = exactly(length);
            } else {
                body = untilClose();
                keepAlive = false;
            }
            return new Answer(status, new String(body, StandardCharsets.UTF_8), keepAlive);
        }

        private String head() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int lastFour = 0;
            while (lastFour != 0x0D0A0D0A) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException(head.size() == 0 ? "closed before any answer" : "closed during the answer");
                }
                head.write(b);
                lastFour = (lastFour << 8) | b;
                if (head.size() > MAX_HEADER_BYTES) {
                    throw new EOFException("answer headers over " + MAX_HEADER_BYTES + " bytes");
                }
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        private byte[] exactly(long length) throws IOException {
            if (length > MAX_BODY_BYTES) {
                throw new EOFException("answer body over " + MAX_BODY_BYTES + " bytes");
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new EOFException("closed during the answer");
            }
            return body;
        }

        private byte[] chunkedBody() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                int semicolon = size.indexOf(';');
                long chunk = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (chunk == 0) {
                    while (!line().isEmpty()) {
                        // trailers, ignored
                    }
                    return body.toByteArray();
                }
                if (body.size() + chunk > MAX_BODY_BYTES) {
                    throw new EOFException("answer body over " + MAX_BODY_BYTES + " bytes");
                }
                body.write(exactly(chunk));
                line();
            }
        }

        private byte[] untilClose() throws IOException {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new EOFException("answer body over " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException("closed during the answer");
                }
                if (line.length() > 1024) {
                    throw new EOFException("answer line over 1024 bytes");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do with a socket that will not close
            }
        }
    }
}
