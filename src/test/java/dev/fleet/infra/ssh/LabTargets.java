package dev.fleet.infra.ssh;

import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A lab seen as fleet sees a fleet: droplet specs and SSH settings as a state file would give them,
 * and the few ways the edge's tests reshape them (a known_hosts with fewer lines, another key).
 */
public final class LabTargets {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private LabTargets() {}

    public static DropletSpec droplet(Lab lab, LabDroplet droplet) {
        return new DropletSpec(droplet.name(), "127.0.0.1", droplet.sshPort(), lab.sshUser(), Optional.empty(),
                Optional.empty());
    }

    public static SshSettings ssh(Lab lab) {
        return new SshSettings(lab.sshKey(), lab.knownHosts(), CONNECT_TIMEOUT, COMMAND_TIMEOUT);
    }

    public static SshSettings withKnownHosts(SshSettings settings, Path knownHosts) {
        return new SshSettings(settings.identity(), knownHosts, settings.connectTimeout(), settings.commandTimeout());
    }

    public static SshSettings withIdentity(SshSettings settings, Path identityFile) {
        return new SshSettings(identityFile, settings.knownHosts(), settings.connectTimeout(), settings.commandTimeout());
    }

    /** The lab's known_hosts lines for one droplet: {@code [127.0.0.1]:port type base64}, one per key type. */
    public static List<String> knownHostsLines(Lab lab, LabDroplet droplet) {
        String pattern = "[127.0.0.1]:" + droplet.sshPort() + " ";
        return readLines(lab.knownHosts()).stream().filter(line -> line.startsWith(pattern)).toList();
    }

    /** The lab's known_hosts without any line of {@code droplet}. */
    public static List<String> knownHostsWithout(Lab lab, LabDroplet droplet) {
        String pattern = "[127.0.0.1]:" + droplet.sshPort() + " ";
        return readLines(lab.knownHosts()).stream().filter(line -> !line.startsWith(pattern)).toList();
    }

    public static Path write(Path dir, String name, List<String> lines) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(name), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the host's Docker client ({@code /usr/bin/docker}) and fails unless it succeeds. */
    public static String docker(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker");
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs a local command and fails unless it succeeds; returns its output. */
    public static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + output);
            }
            return output.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
