package dev.fleet.infra.host;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * fleet's own terminal, through {@code stty} on {@code /dev/tty}, for {@code fleet exec -t}: raw mode
 * while the container's terminal runs (so that Ctrl-C, arrows and the like reach it, and it echoes,
 * not ours), the terminal's size and word of its changes. Best effort: without stty or a terminal,
 * nothing changes.
 */
public final class LocalTerminal {

    private static final File TTY = new File("/dev/tty");

    private LocalTerminal() {}

    /** Puts the terminal in raw mode; its settings before, to give {@link #restore}. */
    public static Optional<String> raw() {
        Optional<String> saved = stty("-g");
        if (saved.isPresent()) {
            stty("raw", "-echo");
        }
        return saved;
    }

    /** Puts back the settings {@link #raw} saved. */
    public static void restore(String saved) {
        stty(saved);
    }

    /** Rows and columns: the terminal's, else {@code LINES} and {@code COLUMNS}. */
    public static Optional<int[]> size(Map<String, String> environment) {
        Optional<int[]> told = stty("size").map(text -> text.split("\\s+")).filter(parts -> parts.length == 2)
                .flatMap(parts -> parse(parts[0], parts[1]));
        if (told.isPresent()) {
            return told;
        }
        return parse(environment.getOrDefault("LINES", ""), environment.getOrDefault("COLUMNS", ""));
    }

    /**
     * Runs {@code resized} each time the terminal's window changes size (SIGWINCH); nothing happens
     * where the platform has no such signal. Returns what puts the handler it replaced back.
     */
    public static Runnable onResize(Runnable resized) {
        try {
            Signal winch = new Signal("WINCH");
            SignalHandler before = Signal.handle(winch, signal -> resized.run());
            return () -> Signal.handle(winch, before);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return () -> { };
        }
    }

    private static Optional<int[]> parse(String rows, String columns) {
        try {
            int[] size = {Integer.parseInt(rows.strip()), Integer.parseInt(columns.strip())};
            return size[0] > 0 && size[1] > 0 ? Optional.of(size) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> stty(String... arguments) {
        if (!TTY.exists()) {
            return Optional.empty();
        }
        String[] command = new String[arguments.length + 1];
        command[0] = "stty";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        try {
            Process process = new ProcessBuilder(command).redirectInput(TTY)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] output = process.getInputStream().readNBytes(4 * 1024);
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(new String(output, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
