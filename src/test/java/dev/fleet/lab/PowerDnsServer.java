package dev.fleet.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real PowerDNS Authoritative server (Debian's {@code pdns-server} with {@code
 * pdns-backend-sqlite3}) run as a process of the test, on loopback: DNS and its HTTP API on free
 * ports, its configuration, SQLite database, sockets and log in a directory of the test's own.
 *
 * <pre>{@code
 * try (PowerDnsServer pdns = PowerDnsServer.start(tempDir)) {
 *     pdns.createZone("example.test.");
 *     ... new PowerDnsProvider(pdns.api(), "example.test.", key(pdns.apiKey())) ...
 *     pdns.dig("www.example.test.", "A")   // what DNS serves
 * }
 * }</pre>
 *
 * <p>What it takes to run here (Debian 12, pdns 4.7.3), learned the hard way or from its docs:
 *
 * <ul>
 *   <li>The packages ship no database: it is made with the {@code sqlite3} command from {@value
 *       #SCHEMA}. The packaged service (port 53) is not used; {@code --config-dir} points at a
 *       configuration of our own, so nothing in {@code /etc/powerdns} applies, including {@code
 *       setuid}/{@code setgid}: it runs as the test's user (root or not), which owns the directory.
 *   <li>{@code --daemon=no --guardian=no --disable-syslog} keep it a plain child that logs to its
 *       output; {@code --socket-dir} keeps its control socket and pid file out of {@code /run}.
 *   <li>{@code security-poll-suffix=} (empty) stops its DNS query for security notices: tests talk
 *       to loopback only.
 *   <li>The caches are off ({@code cache-ttl}, {@code negquery-cache-ttl}, {@code query-cache-ttl}
 *       at 0), so {@code dig} sees each change the API makes at once.
 *   <li>It fails to start when its port is taken (a race with the free-port pick), so a start is
 *       tried again on other ports, a bounded number of times.
 * </ul>
 */
public final class PowerDnsServer implements AutoCloseable {

    public static final String SCHEMA = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";
    private static final String BINARY = "/usr/sbin/pdns_server";
    private static final int STARTS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final Path dir;
    private final int dnsPort;
    private final int apiPort;
    private final String apiKey;
    private final Thread shutdownHook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PowerDnsServer(Process process, Path dir, int dnsPort, int apiPort, String apiKey) {
        this.process = process;
        this.dir = dir;
        this.dnsPort = dnsPort;
        this.apiPort = apiPort;
        this.apiKey = apiKey;
        // Stopped with the test JVM even when the test does not get to close it.
        this.shutdownHook = new Thread(process::destroyForcibly, "pdns-server-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a server whose files live in {@code dir} (a test's temporary directory), ready for API calls. */
    public static PowerDnsServer start(Path dir) {
        if (!Files.isExecutable(Path.of(BINARY)) || !Files.isReadable(Path.of(SCHEMA))) {
            throw new IllegalStateException("PowerDNS is not installed: apt-get install -y --no-install-recommends"
                    + " pdns-server pdns-backend-sqlite3 bind9-dnsutils sqlite3");
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= STARTS; attempt++) {
            try {
                return startOnce(Files.createDirectories(dir.resolve("pdns-" + attempt)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private static PowerDnsServer startOnce(Path dir) throws IOException {
        Path database = dir.resolve("pdns.sqlite3");
        run(List.of("sqlite3", database.toString()), Path.of(SCHEMA), Duration.ofSeconds(10));
        int dnsPort = freePort();
        int apiPort = freePort();
        String apiKey = "test-" + UUID.randomUUID();
        Files.writeString(dir.resolve("pdns.conf"), String.join("\n",
                "launch=gsqlite3",
                "gsqlite3-database=" + database,
                "local-address=127.0.0.1",
                "local-port=" + dnsPort,
                "api=yes",
                "api-key=" + apiKey,
                "webserver=yes",
                "webserver-address=127.0.0.1",
                "webserver-port=" + apiPort,
                "webserver-allow-from=127.0.0.1",
                "security-poll-suffix=",
                "cache-ttl=0",
                "negquery-cache-ttl=0",
                "query-cache-ttl=0",
                "distributor-threads=1",
                "receiver-threads=1",
                ""));
        Process process = new ProcessBuilder(BINARY, "--config-dir=" + dir, "--socket-dir=" + dir, "--daemon=no",
                "--guardian=no", "--disable-syslog")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("pdns.log").toFile())
                .start();
        PowerDnsServer server = new PowerDnsServer(process, dir, dnsPort, apiPort, apiKey);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                server.close();
                throw new IllegalStateException("pdns_server exited with " + process.exitValue() + ": " + server.log());
            }
            if (server.answers()) {
                return server;
            }
            pause(Duration.ofMillis(100));
        }
        server.close();
        throw new IllegalStateException("pdns_server's API did not answer within " + START_TIMEOUT + ": " + server.log());
    }

    /** The API's base URL, for a provider: {@code http://127.0.0.1:PORT}. */
    public URI api() {
        return URI.create("http://127.0.0.1:" + apiPort);
    }

    /** The key the API takes in {@code X-API-Key} (made up for this server, not a secret). */
    public String apiKey() {
        return apiKey;
    }

    /** The UDP and TCP port it answers DNS on, at 127.0.0.1. */
    public int dnsPort() {
        return dnsPort;
    }

    /** Creates a native zone (an SOA, an NS record, nothing else) through the API. */
    public void createZone(String zone) {
        String body = "{\"name\": \"" + zone + "\", \"kind\": \"Native\", \"nameservers\": [\"ns1." + zone + "\"]}";
        HttpResponse<String> response = call(HttpRequest.newBuilder(api().resolve("/api/v1/servers/localhost/zones"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("creating zone " + zone + ": HTTP " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** Sends a raw request to the API (the key added), for what a test must set up behind a provider's back. */
    public HttpResponse<String> call(HttpRequest.Builder request) {
        try {
            return http.send(request.header("X-API-Key", apiKey).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What DNS answers for {@code name} and {@code type}, asked with {@code dig +short}: one line per record. */
    public List<String> dig(String name, String type) {
        try {
            String output = run(List.of("dig", "@127.0.0.1", "-p", String.valueOf(dnsPort), name, type, "+short",
                    "+time=2", "+tries=1"), null, Duration.ofSeconds(10));
            return output.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("pdns.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private boolean answers() {
        try {
            return http.send(HttpRequest.newBuilder(api().resolve("/api/v1/servers/localhost"))
                    .header("X-API-Key", apiKey).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A port free on 127.0.0.1 for both TCP and UDP, as DNS needs both. */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port;
                } catch (IOException taken) {
                    // UDP side in use: another port
                }
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1 in 20 tries");
    }

    /** Runs a command to its end (bounded), its output returned; fails on a non-zero exit. */
    private static String run(List<String> command, Path input, Duration timeout) throws IOException {
        Path output = Files.createTempFile("pdns-command", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish within " + timeout);
            }
            String text = Files.readString(output);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + text);
            }
            return text;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
