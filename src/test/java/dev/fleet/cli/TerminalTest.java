package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalTest {

    @TempDir
    Path dir;

    @Test
    void aTerminalIsColouredAndAPipeIsNot() {
        Terminal terminal = new Terminal(Map.of("TERM", "xterm-256color"));

        assertThat(terminal.colour(true)).isTrue();
        assertThat(terminal.colour(false)).isFalse();
    }

    @Test
    void forceColorColoursAPipeUnlessItSaysNo() {
        assertThat(new Terminal(Map.of("FORCE_COLOR", "1")).colour(false)).isTrue();
        assertThat(new Terminal(Map.of("FORCE_COLOR", "true")).colour(false)).isTrue();
        assertThat(new Terminal(Map.of("FORCE_COLOR", "0")).colour(true)).isFalse();
        assertThat(new Terminal(Map.of("FORCE_COLOR", "false")).colour(true)).isFalse();
        assertThat(new Terminal(Map.of("FORCE_COLOR", "", "TERM", "xterm")).colour(false)).isFalse();
    }

    @Test
    void noColorWinsOverEverythingButOnlyWhenNotEmpty() {
        assertThat(new Terminal(Map.of("NO_COLOR", "1", "FORCE_COLOR", "1")).colour(true)).isFalse();
        assertThat(new Terminal(Map.of("NO_COLOR", "", "TERM", "xterm")).colour(true)).isTrue();
    }

    @Test
    void aDumbTerminalIsNotColoured() {
        assertThat(new Terminal(Map.of("TERM", "dumb")).colour(true)).isFalse();
    }

    @Test
    void onLinuxADescriptorIsATerminalWhenItLinksToATtyOrPts() throws Exception {
        Files.createSymbolicLink(dir.resolve("0"), Path.of("/dev/pts/3"));
        Files.createSymbolicLink(dir.resolve("1"), Path.of("/tmp/drift.txt"));
        Files.createSymbolicLink(dir.resolve("2"), Path.of("/dev/tty1"));

        assertThat(Terminal.isTerminal(0, dir, null)).isTrue();
        assertThat(Terminal.isTerminal(1, dir, null)).isFalse();
        assertThat(Terminal.isTerminal(2, dir, null)).isTrue();
        assertThat(Terminal.isTerminal(7, dir, null)).isFalse();
    }

    @Test
    void withoutProcTheJdksConsoleDecidesAndNoConsoleIsNoTerminal() {
        assertThat(Terminal.isTerminal(1, dir.resolve("no-proc-here"), null)).isFalse();
    }
}
