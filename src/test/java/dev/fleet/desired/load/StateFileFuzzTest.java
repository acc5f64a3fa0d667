package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.StateProblem;
import dev.fleet.lab.Figures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state loader against thousands of generated and mutated files: YAML bombs and alias chains,
 * deep nesting, huge files, odd encodings, random byte and line damage to valid files, and values
 * made to look like shell. Every one must end as a valid state or as a refusal whose every problem
 * says what, and where: a line of the file and a column, never "no position". Within 2 s, without
 * any other exception, and without a connection to the droplets or the registry the files name (a
 * socket listens there and counts).
 *
 * <p>Deterministic: the seed is fixed, and a file that breaks the rule is kept under
 * {@code target/fuzz-failures/} with its number.
 */
class StateFileFuzzTest {

    private static final long SEED = 0x5eed_2026_1202L;
    private static final int MUTATED = 1_200;
    private static final Duration LIMIT = Duration.ofSeconds(2);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]+");

    @TempDir
    Path dir;

    @Test
    void everyFileEndsAsAValidStateOrAClearRefusalQuicklyAndNothingConnects() throws Exception {
        StateFixture fixture = new StateFixture(dir);
        try (ServerSocket droplet = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String minimal = Files.readString(StateFixture.resource("valid/minimal.yaml"))
                    .replace("10.0.0.1", "127.0.0.1").replace("host: 10.0.0.2", "host: 127.0.0.1\n    port: "
                            + droplet.getLocalPort())
                    .replace("registry.example.com", "127.0.0.1:" + droplet.getLocalPort());
            List<byte[]> seeds = new ArrayList<>();
            seeds.add(minimal.getBytes(StandardCharsets.UTF_8));
            seeds.add(Files.readAllBytes(StateFixture.resource("valid/lab.yaml")));
            seeds.add(Files.readAllBytes(Path.of("fleet-state", "example.yaml")));
            seeds.add(Files.readAllBytes(Path.of("fleet-state", "example-services.yaml")));
            for (String broken : BrokenStateFiles.names()) {
                seeds.add(Files.readAllBytes(BrokenStateFiles.source(broken)));
            }

            List<HostileStateFiles.Case> cases = new ArrayList<>(HostileStateFiles.hostile(minimal));
            Random random = new Random(SEED);
            for (int i = 0; i < MUTATED; i++) {
                byte[] seed = seeds.get(i % 4 == 0 ? 0 : random.nextInt(seeds.size()));
                cases.add(new HostileStateFiles.Case("mutation " + i, HostileStateFiles.mutate(seed, random)));
            }

            Map<String, Integer> outcomes = new LinkedHashMap<>();
            long slowestNanos = 0;
            String slowest = "";
            int retried = 0;
            for (int i = 0; i < cases.size(); i++) {
                HostileStateFiles.Case c = cases.get(i);
                Path file = fixture.dir.resolve("fuzz-" + i + ".yaml");
                Files.write(file, c.bytes());
                long started = System.nanoTime();
                Optional<String> outcome = loadWithin(fixture, file, i, c);
                if (outcome.isEmpty()) {
                    // A machine busy with other builds can stall any one load: the same file is given
                    // its 2 s once more, and only a file slow both times is slow.
                    retried++;
                    started = System.nanoTime();
                    outcome = loadWithin(fixture, file, i, c);
                }
                if (outcome.isEmpty()) {
                    throw failure(i, c, "took longer than " + LIMIT.toSeconds() + " s, twice");
                }
                long took = System.nanoTime() - started;
                if (took > slowestNanos) {
                    slowestNanos = took;
                    slowest = c.name();
                }
                outcomes.merge(outcome.get(), 1, Integer::sum);
                Files.delete(file);
            }

            droplet.setSoTimeout(1);
            assertThat(acceptedAny(droplet)).as("a connection to the droplet or registry the files name").isFalse();
            assertThat(cases).hasSizeGreaterThanOrEqualTo(1_000);
            assertThat(outcomes.getOrDefault("valid", 0)).as("mutations that still load: %s", outcomes).isPositive();
            assertThat(outcomes.getOrDefault("refused", 0)).as(outcomes.toString()).isPositive();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("files", cases.size());
            figures.put("outcomes", outcomes);
            figures.put("slowestMillis", slowestNanos / 1_000_000);
            figures.put("slowestFile", slowest);
            figures.put("retriedAfterTimeout", retried);
            Figures.write("state-fuzz", figures);
            System.out.println("state file fuzz: " + figures);
        }
    }

    /** The file's outcome within {@link #LIMIT} on a thread of its own, or empty if it took longer. */
    private static Optional<String> loadWithin(StateFixture fixture, Path file, int number, HostileStateFiles.Case c)
            throws InterruptedException, IOException {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            return Optional.of(pool.submit(() -> loadOnce(fixture, file)).get(LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw failure(number, c, "threw " + e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** "valid" or "refused"; anything else is thrown as the failure it is. */
    private static String loadOnce(StateFixture fixture, Path file) {
        try {
            DesiredState state = fixture.loader().load(file);
            // What reaches a droplet's shell or Docker as a word must be a plain word.
            assertThat(state.service().name()).matches(SAFE_NAME);
            state.droplets().forEach(d -> {
                assertThat(d.name()).matches(SAFE_NAME);
                assertThat(d.host()).matches(SAFE_HOST);
                assertThat(d.user()).matches(SAFE_NAME);
            });
            state.service().environment().keySet().forEach(name -> assertThat(name).matches("[A-Za-z_][A-Za-z0-9_]*"));
            return "valid";
        } catch (InvalidStateException e) {
            assertThat(e.problems()).as("a refusal names its problems").isNotEmpty();
            assertThat(e.getMessage()).contains(file.getFileName().toString());
            int lines = lineBreaks(file) + 1;
            for (StateProblem problem : e.problems()) {
                assertThat(problem.message()).isNotBlank();
                // Every refusal of a file's text points into it: a line of the file (0 is "no
                // position") and a column on it.
                assertThat(problem.line()).as("the line of %s", problem).isBetween(1, lines);
                assertThat(problem.column()).as("the column of %s", problem).isPositive();
            }
            assertThat(e.getMessage()).doesNotContain(StateFixture.API_TOKEN, StateFixture.REGISTRY_PASSWORD,
                    StateFixture.SESSION_KEY).doesNotContain("Exception").doesNotContain("\tat ");
            return "refused";
        }
    }

    /**
     * The line breaks in the file, as many as YAML could count: CR, LF (a CRLF counts twice here, so
     * this is an upper bound), NEL and the Unicode line and paragraph separators.
     */
    private static int lineBreaks(Path file) {
        try {
            return (int) new String(Files.readAllBytes(file), StandardCharsets.UTF_8).codePoints()
                    .filter(c -> c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean acceptedAny(ServerSocket socket) throws IOException {
        try {
            socket.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static AssertionError failure(int index, HostileStateFiles.Case c, String what) {
        Path kept = Path.of("target", "fuzz-failures", index + ".yaml");
        try {
            Files.createDirectories(kept.getParent());
            Files.write(kept, c.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AssertionError("fuzz file " + index + " (" + c.name() + ", kept as " + kept + ") " + what);
    }
}
