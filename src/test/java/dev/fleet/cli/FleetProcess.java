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
                keepTrainedArchive(command);
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

    /** A fleet that runs until stopped ({@code fleet watch}). */
    public static final class Running implements AutoCloseable {

        private final Process process;
        private final Path stdout;
        private final Path stderr;

        private Running(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        public String stdout() {
            return read(stdout);
        }

        public String stderr() {
            return read(stderr);
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** The running fleet, to read its arguments or its children from. */
        public ProcessHandle handle() {
            return process.toHandle();
        }

        /**
         * Sends SIGTERM, as systemd does, and returns the exit code. fleet watch may take up to 65 s
         * (a round in progress, then the webhooks' drain: WatchCommand's STOP_WAIT and DRAIN_WAIT);
         * it is killed after 75 s, and the test fails.
         */
        public int stop() {
            process.destroy();
            try {
                if (!process.waitFor(75, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException("fleet did not stop within 75 s of SIGTERM");
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Sends SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. Waits until it is gone. */
        public void kill() {
            process.destroyForcibly();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("fleet survived SIGKILL for 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Waits for it to end by itself; its exit code. */
        public int await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("fleet did not end within " + timeout);
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            try {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // temporary files
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts fleet and returns at once; {@link Running#stop} ends it. */
    public static Running start(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(launcher());
        command.addAll(List.of(args));
        try {
            Path stdout = Files.createTempFile("fleet-out", ".txt");
            Path stderr = Files.createTempFile("fleet-err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            return new Running(builder.start(), stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isNewer(Path a, Path b) {
        try {
            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** A class-data archive a run trained is renamed into place, whole: parallel runs never share a half-written one. */
    private static void keepTrainedArchive(List<String> command) {
        for (String option : command) {
            if (option.startsWith("-XX:ArchiveClassesAtExit=")) {
                Path trained = Path.of(option.substring("-XX:ArchiveClassesAtExit=".length()));
                try {
                    if (Files.size(trained) > 0) {
                        Files.move(trained, JAR.resolveSibling("fleet.jsa"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    // No archive this time: the next run trains one.
                } finally {
                    try {
                        Files.deleteIfExists(trained);
                    } catch (IOException ignored) {
                        // Left in target/, removed by the next clean.
                    }
                }
            }
        }
    }

    /** The command that starts the fleet under test, without its arguments. */
    public static List<String> launcher() {
        String executable = System.getProperty("fleet.executable");
        if (executable != null && !executable.isBlank()) {
            Path path = Path.of(executable).toAbsolutePath();
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(path + " (fleet.executable) is missing: ./mvnw verify -Pnative builds it");
            }
            return List.of(path.toString());
        }
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: integration tests run after ./mvnw package");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // As deploy/lab/fleet runs it: C1 only, a class-data archive made by the first run (written
        // aside, then renamed in place, see run()), JVM log lines off.
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xlog:disable"));
        Path archive = JAR.resolveSibling("fleet.jsa");
        if (Files.isRegularFile(archive) && isNewer(archive, JAR)) {
            command.add("-XX:SharedArchiveFile=" + archive);
        } else {
            command.add("-XX:ArchiveClassesAtExit=" + archive + "." + ProcessHandle.current().pid() + "."
                    + Thread.currentThread().threadId() + ".tmp");
        }
        command.addAll(List.of("-jar", JAR.toString()));
        return command;
    }
}
