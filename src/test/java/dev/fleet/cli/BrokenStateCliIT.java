package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BrokenStateFiles;
import dev.fleet.desired.BrokenStateFiles.Expected;
import dev.fleet.desired.StateFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every broken state file given to {@code fleet drift} as users run it (a separate process): exit 1,
 * each problem on stderr as {@code file:line:column: message}, nothing on stdout, and no connection
 * made. To see a connection that should not happen, the file's droplets are moved onto loopback
 * addresses of the test's own, where the test listens on sshd's port, and the balancer's socket is
 * a unix socket the test listens on; after fleet exits, nothing may be waiting in either accept queue.
 */
@Execution(ExecutionMode.CONCURRENT)
class BrokenStateCliIT {

    /** The third byte of the loopback addresses of the next test: each test has its own. */
    private static final AtomicInteger NEXT_LOOPBACK = new AtomicInteger(40);

    private static final String[] FILE_HOSTS = {"10.0.0.1", "10.0.0.2"};

    @TempDir
    Path dir;

    private final List<Listener> listeners = new ArrayList<>();

    private record Listener(String where, ServerSocketChannel channel) {}

    @AfterEach
    void closeListeners() throws IOException {
        for (Listener listener : listeners) {
            listener.channel().close();
        }
    }

    static List<String> brokenFiles() {
        return BrokenStateFiles.names();
    }

    @Test
    void thereAreAtLeastThirtyBrokenFiles() {
        assertThat(brokenFiles()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void brokenStateExitsOneWithEveryProblemAtItsLineAndConnectsNowhere(String name) throws IOException {
        StateFixture fixture = new StateFixture(dir);
        Path file = dir.resolve("fleet.yaml");
        Files.write(file, onLoopbackListeners(Files.readAllBytes(BrokenStateFiles.source(name))));
        listen(UnixDomainSocketAddress.of(dir.resolve("haproxy.sock")));
        List<Expected> expected = BrokenStateFiles.expectations(Files.readAllBytes(file));

        FleetProcess.Result result = FleetProcess.run(fixture.env, "drift", "--state", file.toString());

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(result.stdout()).as("nothing is reported as if fleet had run").isEmpty();
        List<String> lines = result.stderr().lines().toList();
        for (Expected want : expected) {
            String prefix = file + ":" + want.position() + ": ";
            assertThat(lines).as(result.stderr())
                    .anySatisfy(line -> assertThat(line).startsWith(prefix).containsPattern(want.message()));
        }
        for (Listener listener : listeners) {
            listener.channel().configureBlocking(false);
            try (SocketChannel accepted = listener.channel().accept()) {
                assertThat(accepted).as("fleet connected to %s with a broken state file", listener.where()).isNull();
            }
        }
    }

    /**
     * The file with its droplet addresses replaced, everywhere (its expect lines too, so that a
     * message that quotes an address still matches), by loopback addresses the test listens on.
     * Values on a line keep their start column, which is where problems are reported.
     */
    private byte[] onLoopbackListeners(byte[] content) throws IOException {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        int third = NEXT_LOOPBACK.getAndIncrement();
        for (int i = 0; i < FILE_HOSTS.length; i++) {
            String loopback = "127.0." + third + "." + (i + 1);
            listen(new InetSocketAddress(loopback, 22));
            text = text.replace(FILE_HOSTS[i], loopback)
                    .replace(FILE_HOSTS[i].replace(".", "\\."), loopback.replace(".", "\\."));
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void listen(java.net.SocketAddress address) throws IOException {
        ServerSocketChannel channel = address instanceof UnixDomainSocketAddress
                ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                : ServerSocketChannel.open();
        listeners.add(new Listener(address.toString(), channel));
        if (!(address instanceof UnixDomainSocketAddress)) {
            channel.socket().setReuseAddress(true);
        }
        channel.bind(address);
    }
}
