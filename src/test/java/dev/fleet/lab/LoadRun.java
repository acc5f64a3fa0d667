package dev.fleet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Constant load on the lab's balancer while something happens: {@code deploy/lab/load/Load.java}
 * (the load generator the benchmarks and the demo use) in a process of its own, at a fixed rate,
 * bounded in time, until {@link #stop()}.
 */
public final class LoadRun implements AutoCloseable {

    private static final Path LOAD = Path.of("deploy", "lab", "load", "Load.java").toAbsolutePath();

    /** What the load saw. */
    public record Summary(long requests, long ok, long failed, double ratePerSecond, Map<String, Long> versions,
            Map<String, Long> failures, String raw) {}

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
                    json.get("ratePerSecond").asDouble(), counts(json.get("versions")), counts(json.get("failures")), raw);
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
