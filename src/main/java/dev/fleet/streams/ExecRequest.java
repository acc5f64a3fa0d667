package dev.fleet.streams;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A command to run in a container, as {@code docker exec} takes it.
 *
 * @param command       the command and its arguments, not through a shell
 * @param stdin         whether {@code in} is copied to the command ({@code -i}), its end ending the command's input
 * @param tty           whether the command gets a terminal ({@code -t}): one raw stream both ways
 * @param localTerminal whether fleet's own stdin is a terminal, to put in raw mode while a {@code tty} runs
 * @param in            fleet's stdin
 * @param out           where the command's stdout goes (all of its output with a tty)
 * @param err           where its stderr goes
 */
public record ExecRequest(List<String> command, boolean stdin, boolean tty, boolean localTerminal, InputStream in,
        OutputStream out, OutputStream err) {

    public ExecRequest {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
    }
}
