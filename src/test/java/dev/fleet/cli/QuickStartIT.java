package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, run as written: its shell blocks are read from README.md, so the README
 * cannot drift from what is tested. Bare lab droplets (sshd and root's key only) are bootstrapped
 * with {@code deploy/droplet/bootstrap.sh}; {@code fleet init} takes their host keys and resolves the
 * app's tag at the lab registry, which asks for a password; the first apply starts the app from
 * nothing; a deploy with {@code set-image --commit} and a {@code rollback} each roll the fleet under
 * load through the strict HAProxy, with 0 failed requests.
 *
 * <p>Only the settings block is not run: the test gives its variables the lab's values, and checks
 * that the block sets exactly those. Two shims stand in for a user's own machine: {@code ssh} reads
 * a config naming the lab's root key (OpenSSH reads the passwd entry's home, not {@code $HOME}), and
 * {@code FLEET_INSECURE_REGISTRIES} lets fleet ask the lab registry over plain http, as the
 * droplets' Docker engines do.
 */
class QuickStartIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.bare(2);

    private static final List<String> STEPS =
            List.of("settings", "bootstrap", "init", "validate", "first-apply", "deploy", "rollback");
    private static final Pattern BLOCK =
            Pattern.compile("<!-- quick-start:([a-z-]+) -->\\s*\\n```sh\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern ASSIGNMENT = Pattern.compile("^(?:export )?([A-Z_][A-Z0-9_]*)=", Pattern.MULTILINE);
    private static final int RATE = 100;
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    Path temp;

    @Test
    void theReadmesQuickStartTakesBareDropletsToARollingFleetAndBackWithoutAFailedRequest() throws Exception {
        Map<String, String> steps = readmeSteps();
        assertThat(steps.keySet()).as("the quick start's blocks, in order").containsExactlyElementsOf(STEPS);
        Lab lab = QuickStartIT.lab.get();
        Map<String, String> settings = settings(lab);
        assertThat(assigned(steps.get("settings"))).as("the variables the settings block sets")
                .isEqualTo(new TreeSet<>(settings.keySet()));
        Path work = Files.createDirectories(temp.resolve("ops"));
        Files.copy(Path.of("deploy/droplet/bootstrap.sh"), work.resolve("bootstrap.sh"));
        Map<String, String> env = environment(lab, settings);

        run(steps, "bootstrap", work, env);
        String init = run(steps, "init", work, env);
        assertThat(init).contains("droplet-1 (127.0.0.1:").contains("SHA256:").contains("wrote ");
        Path state = work.resolve("fleet-state/fleet.yaml");
        assertThat(Files.readString(state)).contains("password-from-env: FLEET_SECRET_REGISTRY_PASSWORD")
                .contains(lab.env("LAB_IMAGE_V1")).doesNotContain(settings.get("FLEET_SECRET_REGISTRY_PASSWORD"));
        run(steps, "validate", work, env);

        String first = run(steps, "first-apply", work, env);
        assertThat(first).contains("MISSING").containsPattern("(?m)^  \\S+ +converged ");
        assertInSync(state, env);
        assertServes(lab, "v1");

        rollUnderLoad(lab, steps, "deploy", work, env);
        assertInSync(state, env);
        assertServes(lab, "v2");
        assertThat(headSubject(work)).startsWith("set-image ").contains(":v2 (");

        rollUnderLoad(lab, steps, "rollback", work, env);
        assertInSync(state, env);
        assertServes(lab, "v1");
        assertThat(headSubject(work)).startsWith("rollback to ");
        assertThat(Files.readString(state)).contains(lab.env("LAB_IMAGE_V1")).doesNotContain(lab.env("LAB_IMAGE_V2"));
    }

    /** The quick start's blocks by name, in README order. */
    private static Map<String, String> readmeSteps() throws IOException {
        Map<String, String> steps = new LinkedHashMap<>();
        Matcher matcher = BLOCK.matcher(Files.readString(Path.of("README.md")));
        while (matcher.find()) {
            assertThat(steps.put(matcher.group(1), matcher.group(2))).as("quick-start:" + matcher.group(1)).isNull();
        }
        return steps;
    }

    private static TreeSet<String> assigned(String block) {
        return ASSIGNMENT.matcher(block).results().map(m -> m.group(1)).collect(Collectors.toCollection(TreeSet::new));
    }

    /** What a user on the lab would write in the settings block. */
    private static Map<String, String> settings(Lab lab) throws IOException {
        String droplets = lab.droplets().stream().map(d -> d.name() + "=127.0.0.1:" + d.sshPort())
                .collect(Collectors.joining(" "));
        return Map.of("DROPLETS", droplets, "APP", lab.env("LAB_REPOSITORY"),
                "REGISTRY_USER", lab.env("LAB_REGISTRY_USER"),
                "FLEET_SECRET_REGISTRY_PASSWORD", Files.readString(Path.of(lab.env("LAB_REGISTRY_PASSWORD_FILE"))).strip(),
                "HAPROXY_SOCKET", lab.env("LAB_HAPROXY_SOCKET"));
    }

    private Map<String, String> environment(Lab lab, Map<String, String> settings) throws IOException {
        Path home = Files.createDirectories(temp.resolve("home"));
        Path dotSsh = Files.createDirectories(home.resolve(".ssh"));
        Path config = Files.writeString(dotSsh.resolve("config"), """
                Host *
                  IdentityFile %s
                  IdentityFile %s
                  StrictHostKeyChecking accept-new
                  UserKnownHostsFile %s
                  LogLevel ERROR
                """.formatted(lab.sshKey(), dotSsh.resolve("fleet_ed25519"), dotSsh.resolve("known_hosts")));
        Path bin = Files.createDirectories(temp.resolve("bin"));
        executable(bin.resolve("ssh"), "exec /usr/bin/ssh -F " + config + " \"$@\"");
        // The launcher, less the JVM's class-data training run: only FleetProcess renames its archive.
        executable(bin.resolve("fleet"), "exec " + FleetProcess.launcher().stream()
                .filter(word -> !word.startsWith("-XX:ArchiveClassesAtExit=")).map(QuickStartIT::quoted)
                .collect(Collectors.joining(" ")) + " \"$@\"");
        Map<String, String> env = new LinkedHashMap<>(settings);
        env.put("HOME", home.toString());
        env.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        env.put("FLEET_INSECURE_REGISTRIES", lab.env("LAB_REGISTRY_NAME"));
        env.put("GIT_AUTHOR_NAME", "quick start");
        env.put("GIT_AUTHOR_EMAIL", "quick-start@fleet.invalid");
        env.put("GIT_COMMITTER_NAME", "quick start");
        env.put("GIT_COMMITTER_EMAIL", "quick-start@fleet.invalid");
        return env;
    }

    private static void executable(Path file, String line) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + line + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Runs one block with bash -euo pipefail in {@code work}; returns its output, failing the test on a non-zero exit. */
    private static String run(Map<String, String> steps, String name, Path work, Map<String, String> env)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("quick-start-" + name, ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", steps.get(name))
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            boolean ended = process.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String text = Files.readString(output);
            System.out.println("== quick-start:" + name + "\n" + text);
            assertThat(ended).as("quick-start:%s ended within %s%n%s", name, STEP_TIMEOUT, text).isTrue();
            assertThat(process.exitValue()).as("quick-start:%s exit code%n%s", name, text).isZero();
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void rollUnderLoad(Lab lab, Map<String, String> steps, String name, Path work,
            Map<String, String> env) throws IOException, InterruptedException {
        LoadRun.Summary load;
        String output;
        try (LoadRun running = LoadRun.start(lab.env("LAB_LB_URL") + "/", RATE, 300)) {
            output = run(steps, name, work, env);
            load = running.stop();
        }
        load.assertZeroDowntime("quick-start:" + name, output);
        assertThat(output).containsPattern("(?m)^  \\S+ +converged ");
    }

    private static void assertInSync(Path state, Map<String, String> env) {
        Map<String, String> fleetEnv = new LinkedHashMap<>(env);
        fleetEnv.remove("PATH");
        FleetProcess.Result drift = FleetProcess.run(fleetEnv, "drift", "--state", state.toString());
        assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isZero();
    }

    private static void assertServes(Lab lab, String version) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<String> seen = new ArrayList<>();
        for (LabDroplet ignored : lab.droplets()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(lab.balancerUri("/"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            seen.add(answer.body());
        }
        assertThat(seen).allSatisfy(body -> assertThat(body).contains("\"version\":\"" + version + "\""));
    }

    private static String headSubject(Path work) throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "-C", work.toString(), "log", "-1", "--format=%s")
                .redirectErrorStream(true).start();
        if (!git.waitFor(30, TimeUnit.SECONDS)) {
            git.destroyForcibly();
            throw new UncheckedIOException(new IOException("git log did not end"));
        }
        return new String(git.getInputStream().readAllBytes()).strip();
    }
}
