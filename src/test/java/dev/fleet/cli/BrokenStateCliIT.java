package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.load.BrokenStateFiles.Expected;
import dev.fleet.desired.load.BrokenStateFiles;
import dev.fleet.desired.load.StateFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every broken state file given to {@code fleet drift} as users run it (a separate process): exit 1,
 * each problem on stderr as {@code file:line:column: message}, nothing on stdout, and no connection
 * made. To see a connection that should not happen, the file's droplets are moved onto loopback
 * addresses of their own, where the test listens on sshd's port, and the balancer's socket is a unix
 * socket the test listens on; after fleet exits, nothing may be waiting in either accept queue.
 *
 * <p>The runs happen up front, three at a time, each in a folder of its own; the tests then judge
 * one file each.
 */
class BrokenStateCliIT {

    private static final String[] FILE_HOSTS = {"10.0.0.1", "10.0.0.2"};
    private static final int PARALLEL_RUNS = 3;

    /** What one run of fleet did, and which connections reached the test's listeners. */
    private record Run(Path file, FleetProcess.Result result, List<String> connectionsTo) {}

    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    @TempDir
    static Path temp;

    static List<String> brokenFiles() {
        return BrokenStateFiles.names();
    }

    @BeforeAll
    static void runFleetOnEveryBrokenFile() throws Exception {
        AtomicInteger nextLoopback = new AtomicInteger(40);
        try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_RUNS)) {
            List<Future<?>> runs = new ArrayList<>();
            for (String name : brokenFiles()) {
                int loopback = nextLoopback.getAndIncrement();
                runs.add(pool.submit(() -> RUNS.put(name, run(name, loopback))));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }
    }

    @Test
    void thereAreAtLeastThirtyBrokenFiles() {
        assertThat(brokenFiles()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void brokenStateExitsOneWithEveryProblemAtItsLineAndConnectsNowhere(String name) throws IOException {
        Run run = RUNS.get(name);
        FleetProcess.Result result = run.result();
        List<Expected> expected = BrokenStateFiles.expectations(Files.readAllBytes(run.file()));

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(result.stdout()).as("nothing is reported as if fleet had run").isEmpty();
        List<String> lines = result.stderr().lines().toList();
        for (Expected want : expected) {
            String prefix = run.file() + ":" + want.position() + ": ";
            assertThat(lines).as(result.stderr())
                    .anySatisfy(line -> assertThat(line).startsWith(prefix).containsPattern(want.message()));
        }
        assertThat(run.connectionsTo()).as("connections fleet made with a broken state file").isEmpty();
    }

    private static Run run(String name, int loopback) {
        try {
            Path dir = Files.createDirectories(temp.resolve(name));
            StateFixture fixture = new StateFixture(dir);
            List<ServerSocketChannel> listeners = new ArrayList<>();
            try {
                String text = new String(Files.readAllBytes(BrokenStateFiles.source(name)), StandardCharsets.ISO_8859_1);
                for (int i = 0; i < FILE_HOSTS.length; i++) {
                    String address = "127.0." + loopback + "." + (i + 1);
                    listeners.add(listen(new InetSocketAddress(address, 22)));
                    text = onAddress(text, FILE_HOSTS[i], address);
                }
                listeners.add(listen(UnixDomainSocketAddress.of(dir.resolve("haproxy.sock"))));
                Path file = Files.write(dir.resolve("fleet.yaml"), text.getBytes(StandardCharsets.ISO_8859_1));

                FleetProcess.Result result = FleetProcess.run(fixture.env, "drift", "--state", file.toString());

                List<String> connected = Listeners.connected(listeners);
                return new Run(file, result, connected);
            } finally {
                for (ServerSocketChannel listener : listeners) {
                    listener.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file with a droplet address replaced everywhere (its expect lines too, so that a message
     * that quotes the address still matches). Values keep their start column, where problems are
     * reported.
     */
    private static String onAddress(String text, String fileHost, String loopback) {
        return text.replace(fileHost, loopback).replace(fileHost.replace(".", "\\."), loopback.replace(".", "\\."));
    }

    private static ServerSocketChannel listen(SocketAddress address) throws IOException {
        boolean unix = address instanceof UnixDomainSocketAddress;
        ServerSocketChannel channel = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open();
        if (!unix) {
            channel.socket().setReuseAddress(true);
        }
        return channel.bind(address);
    }
}
