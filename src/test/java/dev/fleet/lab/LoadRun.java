package dev.fleet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Constant load on the lab's balancer while something happens: {@code deploy/lab/load/Load.java}
 * (the strict load generator the benchmarks and the demo use: it never resends a request, and counts
 * every failure by kind) in a process of its own, at a fixed rate, bounded in time, until {@link #stop()}.
 */
public final class LoadRun implements AutoCloseable {

    private static final Path LOAD = Path.of("deploy", "lab", "load", "Load.java").toAbsolutePath();

    /** The share of the asked rate a run must achieve for its count to mean anything. */
    public static final double LEAST_RATE_SHARE = 0.9;

    /** The longest a zero-downtime rollout may leave the load without a success. */
    public static final Duration LONGEST_GAP = Duration.ofSeconds(1);

    /**
     * What the load saw: requests sent and their outcomes, failures by kind, the rate achieved against
     * the one asked for, the worst latency, the longest gap between two successes, and what ended the
     * run ({@code stop} when {@link #stop()} ended it; anything else means it ran out on its own).
     */
    public record Summary(long requests, long ok, long failed, int targetRate, double ratePerSecond, String endedBy,
            long worstLatencyMillis, long longestGapMillis, Map<String, Long> versions, Map<String, Long> failures,
            String raw) {

        /** One line for the test's output: what a reader needs to trust (or doubt) a zero. */
        public String line() {
            return String.format(Locale.ROOT, "load: %d requests at %.1f/s (target %d/s), %d failed %s,"
                    + " longest gap between successes %d ms, worst latency %d ms, ended by %s",
                    requests, ratePerSecond, targetRate, failed, failures, longestGapMillis, worstLatencyMillis, endedBy);
        }

        /** The run was stopped by its test (not by its own limits) and achieved at least 90% of its rate. */
        public Summary assertRanFully() {
            assertThat(endedBy).as("the load ended on its own before its test stopped it: %s", raw).isEqualTo("stop");
            assertThat(requests).as(raw).isPositive();
            assertThat(ratePerSecond).as("the load achieved under %d%% of its target rate: %s",
                    Math.round(LEAST_RATE_SHARE * 100), raw).isGreaterThanOrEqualTo(LEAST_RATE_SHARE * targetRate);
            return this;
        }

        /**
         * Zero downtime, as the product promises it: a full run, no failed request of any kind, and never
         * {@link #LONGEST_GAP} or more without a success. Prints {@link #line()}.
         */
        public Summary assertZeroDowntime(String what, Object context) {
            System.out.println(what + ": " + line());
            assertRanFully();
            assertThat(failed).as("failed requests %s: %s%n%s", what, raw, context).isZero();
            assertThat(longestGapMillis).as("longest gap between two successes %s: %s%n%s", what, raw, context)
                    .isLessThan(LONGEST_GAP.toMillis());
            return this;
        }

        /**
         * A negative control: a full run that counted failures. A control that sees none means the harness
         * cannot see what it is meant to, and says so. Prints {@link #line()}.
         */
        public Summary assertSawFailures(String what) {
            System.out.println("negative control, " + what + ": " + line());
            assertRanFully();
            assertThat(failed).as("the load harness is broken: %s was done wrong on purpose and it counted no failed"
                    + " request: %s", what, raw).isPositive();
            return this;
        }
    }

    private final Process process;
    private final Path stopFile;
    private final Path output;

    private LoadRun(Process process, Path stopFile, Path output) {
        this.process = process;
        this.stopFile = stopFile;
        this.output = output;
    }

    /** Starts {@code rate} GETs per second on {@code url}, for at most {@code maxSeconds}. */
    public static LoadRun start(String url, int rate, int maxSeconds) {
        try {
            Path dir = Files.createTempDirectory("fleet-load");
            Path stop = dir.resolve("stop");
            Path out = dir.resolve("summary.json");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(java, LOAD.toString(), url, String.valueOf(rate),
                    String.valueOf(maxSeconds), stop.toString())
                    .redirectOutput(out.toFile()).redirectError(dir.resolve("errors.txt").toFile()).start();
            LoadRun run = new LoadRun(process, stop, out);
            // The source launcher compiles first: wait for the load generator to say it has started.
            Path errors = dir.resolve("errors.txt");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(errors).contains("Load: started")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("the load generator did not start: " + Files.readString(errors));
                }
                Thread.sleep(50);
            }
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the load and returns what it saw. */
    public Summary stop() {
        try {
            Files.writeString(stopFile, "stop\n");
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the load generator did not stop");
            }
            String raw = Files.readString(output).strip();
            JsonNode json = new ObjectMapper().readTree(raw);
            return new Summary(json.get("requests").asLong(), json.get("ok").asLong(), json.get("failed").asLong(),
                    json.get("targetRatePerSecond").asInt(), json.get("ratePerSecond").asDouble(),
                    json.get("endedBy").asText(), json.get("maxMillis").asLong(), json.get("longestGapMillis").asLong(),
                    counts(json.get("versions")), counts(json.get("failures")), raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> counts = new TreeMap<>();
        node.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        return counts;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

}
