package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.load.HostileStateFiles;
import dev.fleet.desired.load.StateFixture;
import dev.fleet.lab.Figures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile state files of the loader's fuzz test, and a few dozen random mutations, given to
 * {@code fleet drift} as users run it (a separate process, JVM or native). A file fleet refuses
 * must give exit 1, a message on stderr and nothing on stdout, no stack trace, and no connection
 * to the droplets or the balancer it names (the test listens there). A file that is still a valid
 * state may connect: that is its job.
 */
class HostileStateCliIT {

    private static final int MUTATIONS = 40;
    private static final int PARALLEL_RUNS = 3;

    @TempDir
    static Path temp;

    private record Run(String name, FleetProcess.Result result, List<String> connectionsTo) {}

    @Test
    void everyRefusedFileExitsOneWithAMessageNoStackTraceAndNoConnection() throws Exception {
        String base = Files.readString(StateFixture.resource("valid/minimal.yaml"));
        List<HostileStateFiles.Case> cases = new ArrayList<>(HostileStateFiles.hostile(base));
        Random random = new Random(0xc1_2026L);
        for (int i = 0; i < MUTATIONS; i++) {
            cases.add(new HostileStateFiles.Case("mutation " + i,
                    HostileStateFiles.mutate(base.getBytes(StandardCharsets.UTF_8), random)));
        }
        List<Run> runs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_RUNS)) {
            List<Future<Run>> futures = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                int index = i;
                futures.add(pool.submit(() -> run(index, cases.get(index))));
            }
            for (Future<Run> future : futures) {
                runs.add(future.get());
            }
        }
        int refused = 0;
        long slowest = 0;
        for (Run run : runs) {
            FleetProcess.Result result = run.result();
            String stderr = result.stderr();
            assertThat(stderr).as(run.name()).doesNotContain("Exception").doesNotContain("\tat ")
                    .doesNotContain("at dev.fleet.").doesNotContain("at org.");
            assertThat(stderr.length()).as("%s: what fleet says stays readable", run.name()).isLessThan(64 * 1024);
            if (result.exitCode() != ExitCodes.COULD_NOT_RUN) {
                // Still a valid state (an unused anchor, CRLF, shell-like text in an environment
                // value, which is data): drift ran, and found the droplets it names.
                assertThat(result.exitCode()).as("%s: %s", run.name(), stderr).isIn(ExitCodes.SUCCESS, ExitCodes.DRIFT);
                continue;
            }
            refused++;
            slowest = Math.max(slowest, result.took().toMillis());
            assertThat(stderr).as(run.name()).contains("fleet.yaml");
            assertThat(result.stdout()).as(run.name()).isEmpty();
            assertThat(run.connectionsTo()).as("%s: connections with a refused state", run.name()).isEmpty();
        }
        assertThat(refused).isGreaterThanOrEqualTo(cases.size() / 2);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("files", cases.size());
        figures.put("refused", refused);
        figures.put("slowestRefusalMillis", slowest);
        Figures.write("state-fuzz-cli", figures);
    }

    private static Run run(int index, HostileStateFiles.Case c) {
        try {
            Path dir = Files.createDirectories(temp.resolve("case-" + index));
            StateFixture fixture = new StateFixture(dir);
            String prefix = "127." + (2 + index / 250) + "." + (index % 250) + ".";
            List<ServerSocketChannel> listeners = new ArrayList<>();
            try {
                String text = new String(c.bytes(), StandardCharsets.ISO_8859_1);
                for (int i = 1; i <= 2; i++) {
                    ServerSocketChannel channel = ServerSocketChannel.open();
                    channel.socket().setReuseAddress(true);
                    listeners.add(channel.bind(new InetSocketAddress(prefix + i, 22)));
                    text = text.replace("10.0.0." + i, prefix + i);
                }
                listeners.add(ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        .bind(UnixDomainSocketAddress.of(dir.resolve("haproxy.sock"))));
                Path file = Files.write(dir.resolve("fleet.yaml"), text.getBytes(StandardCharsets.ISO_8859_1));

                FleetProcess.Result result = FleetProcess.run(fixture.env, "drift", "--state", file.toString());

                List<String> connected = Listeners.connected(listeners);
                return new Run(c.name(), result, connected);
            } finally {
                for (ServerSocketChannel listener : listeners) {
                    listener.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
