package dev.fleet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A test's lab is trusted to go away, also after crashed runs and killed JVMs, so it must leave
 * nothing behind; and it is the same lab as {@code deploy/lab/lab}'s, which can take it down too.
 */
class LabTeardownIT {

    private static final Duration REAPED_WITHIN = Duration.ofSeconds(60);

    @Test
    void labDownLeavesNoContainerVolumeNetworkOrProcessBehind() {
        Lab lab = Lab.up(uniqueName("teardown"), labDir("teardown"), 1);
        try {
            assertThat(lab.leftovers()).isNotEmpty();
        } finally {
            lab.down();
        }
        assertThat(lab.leftovers()).isEmpty();
    }

    @Test
    void labDownCleansUpAfterARunWhoseFilesAreGone() throws IOException {
        Lab lab = Lab.up(uniqueName("crashed"), labDir("crashed"), 1);
        try {
            // What a crash followed by "mvn clean" leaves: processes and Docker objects, no pid files.
            deleteRecursively(lab.dir());
            assertThat(lab.leftovers()).isNotEmpty();
        } finally {
            lab.down();
        }
        assertThat(lab.leftovers()).isEmpty();
    }

    @Test
    void theScriptReadsAndTakesDownALabTheTestsStarted() {
        Lab lab = Lab.up(uniqueName("script-down"), labDir("script-down"), 1);
        try {
            Lab.CommandResult status = script(lab, "status");
            assertThat(status.succeeded()).as(status.output()).isTrue();
            assertThat(status.output()).as("lab status on a test's lab").contains("lab '" + lab.name() + "'")
                    .containsPattern("droplet-1 +running .* demo Up .* 200 +UP");
        } finally {
            Lab.CommandResult down = script(lab, "down");
            assertThat(down.succeeded()).as(down.output()).isTrue();
        }
        assertThat(lab.leftovers()).isEmpty();
    }

    @Test
    void aLabWhoseJvmIsKilledIsRemovedByItsReaper() throws Exception {
        String name = uniqueName("killed");
        Path dir = labDir("killed");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process drill = new ProcessBuilder(java.toString(), "-Duser.home=" + System.getProperty("user.home"), "-cp",
                System.getProperty("java.class.path"), LabKillDrill.class.getName(), name, dir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(drill.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = output.readLine()) != null && !line.equals("up")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the drill's lab came up; its output:\n" + seen).isEqualTo("up");
            assertThat(Lab.leftovers(name, dir)).isNotEmpty();
        } finally {
            drill.destroyForcibly(); // SIGKILL: no shutdown hook runs
            drill.waitFor(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + REAPED_WITHIN.toNanos();
        List<String> left = Lab.leftovers(name, dir);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            left = Lab.leftovers(name, dir);
        }
        assertThat(left).as("what the killed JVM's lab left %s after the kill", REAPED_WITHIN).isEmpty();
    }

    private static Lab.CommandResult script(Lab lab, String command) {
        return Lab.run(List.of("env", "LAB_NAME=" + lab.name(), "LAB_DIR=" + lab.dir(),
                Lab.LAB_HOME.resolve("lab").toString(), command), Map.of());
    }

    private static String uniqueName(String purpose) {
        return "fleet-it-" + purpose + "-" + ProcessHandle.current().pid();
    }

    private static Path labDir(String purpose) {
        return Path.of("target", "lab-it", uniqueName(purpose)).toAbsolutePath();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
