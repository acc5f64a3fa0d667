package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.StateProblem;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile state files of the loader's fuzz test, and a few dozen random mutations, given to
 * {@code fleet drift} as users run it (a separate process, JVM or native). Every single file must
 * end in one of two ways, and which one is told by the loader itself, in this JVM, on the same file
 * with the same environment:
 *
 * <ul>
 *   <li>a refusal: exit 1, nothing on stdout, on stderr every problem the loader reports at its
 *       {@code file:line:column}, no stack trace, and no connection to the droplets or the balancer
 *       the file names (the test listens there);</li>
 *   <li>a valid state: drift runs, as for any valid state: exit 0 or 2, and a report on stdout that
 *       names every droplet of the state. It may connect: that is its job.</li>
 * </ul>
 *
 * A file that is neither (a state the loader takes but the process refuses, or the other way round,
 * another exit code, a stack trace) fails the test, each one named.
 */
class HostileStateCliIT {

    private static final int MUTATIONS = 40;
    private static final int PARALLEL_RUNS = 3;

    @TempDir
    static Path temp;

    /** One run: the file, what the loader made of it here, what the process did, what it reached. */
    private record Run(String name, Path file, Optional<InvalidStateException> refusal, Optional<DesiredState> state,
            FleetProcess.Result result, List<String> connectionsTo) {}

    @Test
    void everyFileIsEitherAValidStateThatDriftRunsOnOrARefusalThatConnectsNowhere() throws Exception {
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
        SoftAssertions softly = new SoftAssertions();
        int refused = 0;
        long slowest = 0;
        for (Run run : runs) {
            FleetProcess.Result result = run.result();
            String stderr = result.stderr();
            softly.assertThat(stderr).as("%s: no stack trace", run.name()).doesNotContain("Exception")
                    .doesNotContain("\tat ").doesNotContain("at dev.fleet.").doesNotContain("at org.");
            softly.assertThat(stderr.length()).as("%s: what fleet says stays readable", run.name())
                    .isLessThan(64 * 1024);
            if (run.refusal().isPresent()) {
                refused++;
                slowest = Math.max(slowest, result.took().toMillis());
                judgeRefusal(softly, run, run.refusal().get());
            } else {
                judgeValid(softly, run, run.state().orElseThrow());
            }
        }
        softly.assertAll();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("files", cases.size());
        figures.put("valid", cases.size() - refused);
        figures.put("refused", refused);
        figures.put("slowestRefusalMillis", slowest);
        Figures.write("state-fuzz-cli", figures);
        System.out.println("hostile state files through fleet: " + figures);
    }

    /** Refused by the loader: the process refuses it the same way, and reaches nothing. */
    private static void judgeRefusal(SoftAssertions softly, Run run, InvalidStateException refusal) {
        FleetProcess.Result result = run.result();
        String what = run.name() + ", which the loader refuses";
        softly.assertThat(result.exitCode()).as("%s: the exit code; stderr: %s", what, result.stderr())
                .isEqualTo(ExitCodes.COULD_NOT_RUN);
        softly.assertThat(result.stdout()).as("%s: stdout", what).isEmpty();
        softly.assertThat(result.stderr()).as("%s: stderr starts at a position in the file", what)
                .startsWith(run.file() + ":");
        for (StateProblem problem : refusal.problems()) {
            softly.assertThat(problem.line()).as("%s: the line of %s", what, problem).isPositive();
            // As a terminal gets it: control characters from the file shown, not obeyed.
            softly.assertThat(result.stderr()).as("%s: stderr", what).contains(PrintableWriter.shown(problem.render()));
        }
        softly.assertThat(run.connectionsTo()).as("%s: connections with a refused state", what).isEmpty();
    }

    /** Taken by the loader: the process runs drift on it, as on any valid state. */
    private static void judgeValid(SoftAssertions softly, Run run, DesiredState state) {
        FleetProcess.Result result = run.result();
        String what = run.name() + ", which the loader takes as a valid state";
        softly.assertThat(result.exitCode()).as("%s: the exit code; stderr: %s", what, result.stderr())
                .isIn(ExitCodes.SUCCESS, ExitCodes.DRIFT, ExitCodes.UNREACHABLE);
        softly.assertThat(result.stderr()).as("%s: stderr", what).doesNotContain(run.file() + ":");
        for (DropletSpec droplet : state.droplets()) {
            softly.assertThat(result.stdout()).as("%s: the drift report", what).contains(droplet.name());
        }
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
                Optional<DesiredState> state = Optional.empty();
                Optional<InvalidStateException> refusal = Optional.empty();
                try {
                    state = Optional.of(fixture.loader().load(file));
                } catch (InvalidStateException e) {
                    refusal = Optional.of(e);
                }

                FleetProcess.Result result = FleetProcess.run(fixture.env, "drift", "--state", file.toString());

                List<String> connected = Listeners.connected(listeners);
                return new Run(c.name(), file, refusal, state, result, connected);
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
