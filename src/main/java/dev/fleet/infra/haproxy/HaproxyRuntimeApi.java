package dev.fleet.infra.haproxy;

import dev.fleet.desired.ByteCounts;
import dev.fleet.observed.BalancerObservation.ServerState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HAProxy's runtime API on its unix socket ({@code stats socket ... level admin}): one command per
 * connection, which HAProxy answers and then closes when not in interactive mode.
 */
public final class HaproxyRuntimeApi {

    private final Path socket;
    private final Duration timeout;

    /** The most of one answer read: {@code show stat} is about 1 KiB per server. */
    static final int ANSWER_LIMIT = 4 * 1024 * 1024;

    public HaproxyRuntimeApi(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Sends one command and returns HAProxy's whole answer; fails when it takes longer than the timeout. */
    public String execute(String command) throws IOException {
        if (command.contains("\n") || command.contains(";")) {
            throw new IllegalArgumentException("one command at a time: " + command);
        }
        if (!Files.exists(socket)) {
            throw new IOException("no HAProxy runtime API socket at " + socket);
        }
        // A socket channel has no read timeout of its own: bound the exchange from outside.
        // A platform thread: a virtual one may wait for a carrier held by blocked SSH reads (native build).
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory());
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            Future<String> answer = executor.submit(() -> exchange(channel, command));
            try {
                return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                channel.close();
                throw new IOException("HAProxy at " + socket + " did not answer '" + command + "' within " + timeout);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? io : new IOException(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking HAProxy", e);
            }
        }
    }

    private String exchange(SocketChannel channel, String command) throws IOException {
        channel.connect(UnixDomainSocketAddress.of(socket));
        channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
        var answer = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        while (channel.read(buffer) >= 0) {
            answer.write(buffer.array(), 0, buffer.position());
            buffer.clear();
            if (answer.size() > ANSWER_LIMIT) {
                throw new IOException("HAProxy at " + socket + " answered '" + command + "' with more than "
                        + ByteCounts.text(ANSWER_LIMIT) + ", more than any backend fleet drives would need");
            }
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    /** Each server of {@code backend} by name, from {@code show stat}. */
    public Map<String, ServerState> servers(String backend) throws IOException {
        return parseServers(execute("show stat"), backend);
    }

    /** What HAProxy counted of each server of {@code backend}'s requests, from {@code show stat}. */
    public Map<String, ServerCounts> counts(String backend) throws IOException {
        return ServerCounts.parse(execute("show stat"), backend);
    }

    /** Each server of {@code backend}'s state, from {@code show stat}. */
    static Map<String, ServerState> parseServers(String csv, String backend) throws IOException {
        ShowStat stat = ShowStat.parse(csv);
        int status = stat.column("status");
        int sessions = stat.column("scur");
        if (stat.column("pxname") < 0 || stat.column("svname") < 0 || status < 0 || sessions < 0) {
            throw new IOException("'show stat' lacks the pxname, svname, status or scur column");
        }
        int last = Math.max(status, sessions);
        if (!stat.hasBackend(backend, last)) {
            throw new IOException("HAProxy has no backend named '" + backend + "'");
        }
        Map<String, ServerState> servers = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> server : stat.servers(backend).entrySet()) {
            String[] fields = server.getValue();
            if (fields.length > last) {
                int current = fields[sessions].isEmpty() ? 0 : Integer.parseInt(fields[sessions]);
                servers.put(server.getKey(), new ServerState(fields[status], current));
            }
        }
        return servers;
    }
}
