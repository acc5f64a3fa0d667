package dev.fleet.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the fleet that the build produced, as users run it: a separate process, its stdout and
 * stderr captured apart. The JVM build by default (started the way {@code deploy/lab/fleet} starts
 * it); the executable named by the system property
 * {@code fleet.executable} (the native one) when it is set.
 */
public final class FleetProcess {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();

    /** What a run of fleet did. */
    public record Result(int exitCode, String stdout, String stderr, Duration took) {}

    private FleetProcess() {}

    public static Result run(String... args) {
        return run(Map.of(), args);
    }

    public static Result run(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(launcher());
        command.addAll(List.of(args));
        try {
            Path stdout = Files.createTempFile("fleet-out", ".txt");
            Path stderr = Files.createTempFile("fleet-err", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().putAll(environment);
                long started = System.nanoTime();
                Process process = builder.start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("fleet " + String.join(" ", args) + " did not finish in 2 minutes");
                }
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr), took);
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> launcher() {
        String executable = System.getProperty("fleet.executable");
        if (executable != null && !executable.isBlank()) {
            return List.of(Path.of(executable).toAbsolutePath().toString());
        }
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after ./mvnw package");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // As deploy/lab/fleet runs it: C1 only, the build's class-data archive, JVM warnings on stderr.
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xlog:disable",
                "-Xlog:all=warning:stderr"));
        Path archive = JAR.resolveSibling("app-cds.jsa");
        if (Files.isRegularFile(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-jar", JAR.toString()));
        return command;
    }
}
