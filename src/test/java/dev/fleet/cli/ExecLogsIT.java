package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet exec} and {@code fleet logs} on a real lab, through the fleet process: exit codes and
 * streams passed through, a terminal under a pseudo-terminal, every droplet's logs at once, and
 * {@code logs -f} following all three across an apply that replaces their containers. The lab's app
 * image has no shell (FROM scratch): the test copies busybox's static {@code sh} into the containers it
 * runs {@code sh -c} in, uses the app's own one-off mode ({@code /demo-app hook NAME EXIT}), and
 * compiles a static probe for the terminal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecLogsIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    @TempDir
    static Path dir;

    @Test
    @Order(1)
    void execPassesTheCommandsExitCodeThrough() throws Exception {
        giveAShell(lab().droplet("droplet-2"));

        FleetProcess.Result exec = fleet("exec", "droplet-2", "--", "sh", "-c", "exit 7");

        assertThat(exec.exitCode()).as(exec.stdout() + exec.stderr()).isEqualTo(7);
    }

    @Test
    @Order(2)
    void execKeepsTheCommandsStdoutAndStderrApart() throws Exception {
        FleetProcess.Result exec = fleet("exec", "droplet-1", "--", "/demo-app", "hook", "split", "3");
        giveAShell(lab().droplet("droplet-1"));
        FleetProcess.Result shell = fleet("exec", "droplet-1", "--", "sh", "-c", "echo out; echo err >&2; exit 4");

        assertThat(exec.exitCode()).as(exec.stdout() + exec.stderr()).isEqualTo(3);
        assertThat(exec.stdout()).isEqualTo("demo-app: hook split version=v1 started\n");
        assertThat(exec.stderr()).isEqualTo("demo-app: hook split exiting 3\n");
        assertThat(shell.exitCode()).as(shell.stdout() + shell.stderr()).isEqualTo(4);
        assertThat(shell.stdout()).isEqualTo("out\n");
        assertThat(shell.stderr()).isEqualTo("err\n");
    }

    @Test
    @Order(3)
    void execWithATerminalGivesTheCommandOneUnderAPseudoTerminal() throws Exception {
        Path probe = compileProbe();
        copyIntoApp(lab().droplet("droplet-1"), probe, "/probe");
        Path output = dir.resolve("script.txt");

        int exit = run(List.of("script", "-qec", execWithTerminal("/probe"), "/dev/null"), output);

        String shown = Files.readString(output);
        assertThat(exit).as(shown).isZero();
        assertThat(shown).containsPattern("/dev/pts/\\d+").contains("hi");
    }

    @Test
    @Order(3)
    void execWithATerminalPassesOnAResizedWindowToTheCommand() throws Exception {
        Path probe = compile("winch", """
                #include <signal.h>
                #include <stdio.h>
                #include <sys/ioctl.h>
                #include <unistd.h>
                static volatile sig_atomic_t changed = 0;
                static void on_winch(int signal) { changed = 1; }
                int main(void) {
                    struct winsize size;
                    signal(SIGWINCH, on_winch);
                    ioctl(0, TIOCGWINSZ, &size);
                    printf("started %dx%d\\n", size.ws_row, size.ws_col);
                    fflush(stdout);
                    for (int i = 0; i < 600 && !changed; i++) usleep(50000);
                    ioctl(0, TIOCGWINSZ, &size);
                    printf("resized %dx%d\\n", size.ws_row, size.ws_col);
                    return changed ? 0 : 1;
                }
                """);
        copyIntoApp(lab().droplet("droplet-1"), probe, "/winch");
        Path tty = dir.resolve("tty.txt");
        Path output = dir.resolve("winch.txt");
        String line = "tty > '" + tty + "'; exec " + execWithTerminal("/winch");
        Process script = new ProcessBuilder("script", "-qec", line, "/dev/null").redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            awaitFile(output, "started ", Duration.ofSeconds(60));
            String pts = Files.readString(tty).strip();
            // As a terminal emulator does when its window is dragged: the kernel tells fleet, fleet the container.
            // Again until the command hears of it: fleet may start listening a moment after the command starts.
            for (int columns = 101; columns < 140 && !Files.readString(output).contains("resized "); columns++) {
                assertThat(run(List.of("stty", "-F", pts, "rows", "33", "cols", String.valueOf(columns)))).isZero();
                Thread.sleep(500);
            }
            assertThat(script.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(output)).isTrue();
        } finally {
            script.destroyForcibly();
        }

        String shown = Files.readString(output);
        assertThat(script.exitValue()).as(shown).isZero();
        assertThat(shown).containsPattern("resized 33x1[0-3]\\d");
    }

    @Test
    @Order(4)
    void execOnAnUnknownDropletNamesTheKnownOnesAndExitsOne() {
        FleetProcess.Result exec = fleet("exec", "droplet-9", "--", "/demo-app", "hook", "x", "0");

        assertThat(exec.exitCode()).isEqualTo(ExitCodes.COULD_NOT_RUN);
        assertThat(exec.stderr()).contains("no droplet named droplet-9").contains("droplet-1, droplet-2, droplet-3");
    }

    @Test
    @Order(5)
    void logsShowEveryDropletsLinesUnderItsName() {
        FleetProcess.Result logs = fleet("logs");

        assertThat(logs.exitCode()).as(logs.stderr()).isZero();
        for (String droplet : List.of("droplet-1", "droplet-2", "droplet-3")) {
            assertThat(logs.stdout()).containsPattern("(?m)^" + droplet + " \\| demo-app: listening port=\\d+ version=v1 ");
        }
        FleetProcess.Result tail = fleet("logs", "--droplet", "droplet-3", "--tail", "1");
        assertThat(tail.stdout().lines()).hasSize(1).allMatch(l -> l.startsWith("droplet-3 | "));
    }

    @Test
    @Order(6)
    void logsFollowEveryDropletAcrossAnApplyThatReplacesTheirContainers() {
        try (FleetProcess.Running follow = FleetProcess.start(Map.of(), "logs", "-f", "-s", lab().stateFile().toString())) {
            await(() -> count(follow.stdout(), "version=v1") == 3, Duration.ofSeconds(60), follow);
            lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2")), "v2");

            FleetProcess.Result apply = fleet("apply", "--yes");

            assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
            await(() -> count(follow.stdout(), "listening port=") == 6, Duration.ofSeconds(90), follow);
            String out = follow.stdout();
            for (String droplet : List.of("droplet-1", "droplet-2", "droplet-3")) {
                // The old container's last words, once; the new one's first, once: nothing lost, nothing repeated.
                assertThat(count(out, droplet + " | demo-app: listening port=")).as(out).isEqualTo(2);
                assertThat(out).containsPattern("(?m)^" + droplet + " \\| demo-app: stopped signal=\\S+ version=v1 ");
                assertThat(out).containsPattern("(?m)^" + droplet + " \\| demo-app: listening port=\\d+ version=v2 ");
                assertThat(count(follow.stderr(), droplet + ": container replaced")).as(follow.stderr()).isLessThanOrEqualTo(1);
            }
            assertThat(follow.isAlive()).isTrue();
        }
    }

    @Test
    @Order(7)
    void logsFollowSayADropletLostOnceAndPickUpAfterTheLastLineWhenItIsBack() {
        LabDroplet droplet2 = lab().droplet("droplet-2");
        try (FleetProcess.Running follow = FleetProcess.start(Map.of(), "logs", "-f", "-s", lab().stateFile().toString())) {
            await(() -> count(follow.stdout(), "listening port=") == 3, Duration.ofSeconds(60), follow);

            lab().stopDroplet(droplet2);
            await(() -> follow.stderr().contains("droplet-2: lost ("), Duration.ofSeconds(60), follow);
            lab().startDroplet(droplet2);

            await(() -> count(follow.stdout(), "droplet-2 | demo-app: listening port=") == 2, Duration.ofSeconds(120), follow);
            String out = follow.stdout();
            assertThat(count(follow.stderr(), "droplet-2: lost (")).as(follow.stderr()).isEqualTo(1);
            assertThat(count(out, "droplet-2 | demo-app: stopped signal=")).as(out).isEqualTo(1);
            assertThat(count(out, "droplet-1 | ")).as(out).isEqualTo(1);
            assertThat(count(out, "droplet-3 | ")).as(out).isEqualTo(1);
            assertThat(follow.isAlive()).isTrue();

            follow.stop();
            // Its own ending closes the connections: no droplet is said lost for it.
            assertThat(follow.stderr()).as(follow.stderr()).doesNotContain("droplet-1: lost").doesNotContain("droplet-3: lost");
            assertThat(count(follow.stderr(), "droplet-2: lost (")).isEqualTo(1);
        }
    }

    @Test
    @Order(8)
    void logsFollowWithTailZeroShowOnlyWhatCameAfterTheyBeganEvenAfterABreakBeforeAnyLine() throws Exception {
        LabDroplet droplet2 = lab().droplet("droplet-2");
        try (FleetProcess.Running follow = FleetProcess.start(Map.of(), "logs", "-f", "--tail", "0", "--droplet",
                "droplet-2", "-s", lab().stateFile().toString())) {
            await(() -> sshSessions(droplet2) > 0, Duration.ofSeconds(30), follow);
            Thread.sleep(2_000); // the logs' request goes out right after the connection; nothing prints with --tail 0

            assertThat(run(List.of("docker", "exec", droplet2.container(), "pkill", "-f", "^sshd.*deploy"))).isZero();
            await(() -> follow.stderr().contains("droplet-2: lost ("), Duration.ofSeconds(60), follow);
            Lab.CommandResult restarted = lab().dockerOn(droplet2, "restart", lab().env("LAB_APP_CONTAINER"));
            assertThat(restarted.succeeded()).as(restarted.output()).isTrue();

            await(() -> count(follow.stdout(), "listening port=") == 1, Duration.ofSeconds(90), follow);
            Thread.sleep(1_000);
            // The container's earlier life (three starts by now) stays out: the break came before any line,
            // and the follow resumed from when it began, not from the container's first line.
            assertThat(follow.stdout().lines()).as(follow.stdout()).hasSize(2)
                    .anyMatch(line -> line.startsWith("droplet-2 | demo-app: stopped signal="))
                    .anyMatch(line -> line.startsWith("droplet-2 | demo-app: listening port="));
        }
    }

    /** How many SSH sessions of the deploy user the droplet's sshd serves now. */
    private static int sshSessions(LabDroplet droplet) {
        try {
            Path output = dir.resolve("sessions.txt");
            run(List.of("docker", "exec", droplet.container(), "pgrep", "-c", "-f", "^sshd.*deploy"), output);
            return Integer.parseInt(Files.readString(output).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static FleetProcess.Result fleet(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("-s", lab().stateFile().toString()));
        return FleetProcess.run(all.toArray(String[]::new));
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> line.contains(part)).count();
    }

    private static void await(BooleanSupplier done, Duration within, FleetProcess.Running follow) {
        long end = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + within + ":\n" + follow.stdout() + "\n--- stderr\n" + follow.stderr());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Gives the app's container (FROM scratch) a real shell, busybox's static build as {@code /bin/sh}
     * (Debian's busybox-static, as .ci/packages installs it): host, then droplet, then container.
     */
    private static void awaitFile(Path file, String part, Duration within) throws IOException, InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!Files.readString(file).contains(part)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + part.strip() + " within " + within + ":\n" + Files.readString(file));
            }
            Thread.sleep(200);
        }
    }

    private static void giveAShell(LabDroplet droplet) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("shell-" + droplet.name()));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("sh"), StandardCopyOption.REPLACE_EXISTING);
        copyIntoApp(droplet, bin, "/bin");
    }

    /** Copies {@code from} (a file, or a folder's files) into the droplet's app container as {@code to}: host, droplet, container. */
    private static void copyIntoApp(LabDroplet droplet, Path from, String to) throws IOException, InterruptedException {
        String staged = "/tmp/" + from.getFileName();
        assertThat(run(List.of("docker", "cp", from.toString(), droplet.container() + ":" + staged))).isZero();
        Lab.CommandResult copied = lab().dockerOn(droplet, "cp", staged, lab().env("LAB_APP_CONTAINER") + ":" + to);
        assertThat(copied.succeeded()).as(copied.output()).isTrue();
    }

    /** {@code fleet exec -it droplet-1 -- BINARY} as one line for a shell, as {@code script -c} takes it. */
    private static String execWithTerminal(String binary) {
        List<String> command = new ArrayList<>(FleetProcess.launcher());
        command.addAll(List.of("exec", "-s", lab().stateFile().toString(), "-it", "droplet-1", "--", binary));
        return command.stream().map(word -> "'" + word.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    /** A static probe (the app's image has no shell): its stdin's terminal, as {@code tty} says it, then "hi". */
    private static Path compileProbe() throws IOException, InterruptedException {
        return compile("probe", """
                #include <stdio.h>
                #include <unistd.h>
                int main(void) {
                    char *name = ttyname(0);
                    printf("%s\\nhi\\n", name ? name : "not a tty");
                    return name ? 0 : 1;
                }
                """);
    }

    /** A static binary from C {@code source}, to copy into the app's container, which has no libc. */
    private static Path compile(String name, String source) throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve(name + ".c"), source);
        Path binary = dir.resolve(name);
        assertThat(run(List.of("gcc", "-static", "-O2", "-o", binary.toString(), file.toString()))).isZero();
        return binary;
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        return run(command, dir.resolve("run.txt"));
    }

    private static int run(List<String> command, Path output) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end in 2 minutes: "
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return process.exitValue();
    }

    private static Lab lab() {
        return lab.get();
    }
}
