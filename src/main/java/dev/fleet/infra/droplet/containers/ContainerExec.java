package dev.fleet.infra.droplet.containers;

import com.github.dockerjava.api.command.InspectExecResponse;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.docker.EngineStream;
import dev.fleet.infra.docker.FrameDemux;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.UnreachableReason;
import dev.fleet.streams.ExecRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs a command in a container as {@code docker exec} does, through the Engine API: the exec is
 * created, then started on a channel of its own whose stream is the command's input and output (raw
 * with a TTY, Docker's frames without), then asked for its exit code once the output ended.
 */
public final class ContainerExec {

    private static final Logger LOG = Logger.getLogger(ContainerExec.class);
    // The exit code is set when the engine reaps the process, a moment after its output ends.
    private static final int EXIT_CODE_POLLS = 50;
    private static final Duration EXIT_CODE_POLL = Duration.ofMillis(100);

    private final DropletConnection connection;

    public ContainerExec(DropletConnection connection) {
        this.connection = connection;
    }

    /**
     * Runs {@code request} in container {@code containerId} and returns its exit code.
     *
     * @param window the window a TTY is shown in: the container's terminal takes its size, and follows it
     */
    public int run(String containerId, ExecRequest request, TerminalWindow window)
            throws DropletException, InterruptedException {
        String execId = connection.call("creating an exec in container " + containerId, docker -> docker
                .execCreateCmd(containerId).withCmd(request.command().toArray(String[]::new))
                .withAttachStdin(request.stdin()).withAttachStdout(true).withAttachStderr(true)
                .withTty(request.tty()).exec()).getId();
        String what = "starting the exec in container " + containerId;
        try (EngineStream stream = connection.stream(what, "POST", "/exec/" + execId + "/start",
                Optional.of("{\"Detach\":false,\"Tty\":" + request.tty() + "}"), true)) {
            if (stream.status() != 101 && stream.status() != 200) {
                throw new DropletException(UnreachableReason.DOCKER, "the Docker engine answered " + stream.status()
                        + " to " + what + ": " + stream.errorText());
            }
            TerminalWindow shown = request.tty() ? window : TerminalWindow.NONE;
            shown.size().ifPresent(size -> resize(execId, size));
            try (TerminalWindow.Listening resizing = shown.onResize(() -> shown.size()
                    .ifPresent(size -> resize(execId, size)))) {
                if (request.stdin()) {
                    pumpInput(request.in(), stream);
                }
                copyOutput(stream.body(), request);
            }
        } catch (IOException e) {
            throw new DropletException(UnreachableReason.DOCKER, "the exec's stream broke: " + e.getMessage(), e);
        }
        return exitCode(execId);
    }

    private void resize(String execId, int[] size) {
        try {
            connection.call("resizing the exec's terminal", docker -> docker.resizeExecCmd(execId)
                    .withSize(size[0], size[1]).exec());
        } catch (DropletException | RuntimeException e) {
            LOG.debugf("Resizing the exec's terminal failed: %s", e);
        }
    }

    /** On a thread of its own, which may stay blocked on fleet's stdin after the command ended: a daemon. */
    private static void pumpInput(InputStream in, EngineStream stream) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[8 * 1024];
            try {
                OutputStream out = stream.input();
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
                stream.endInput();
            } catch (IOException e) {
                LOG.debugf("Copying stdin to the exec stopped: %s", e);
            }
        }, "exec-stdin");
        pump.setDaemon(true);
        pump.start();
    }

    private static void copyOutput(InputStream body, ExecRequest request) throws IOException {
        if (request.tty()) {
            byte[] buffer = new byte[8 * 1024];
            for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                request.out().write(buffer, 0, read);
                request.out().flush();
            }
        } else {
            FrameDemux.copy(body, (stream, bytes, offset, length) -> {
                OutputStream to = stream == FrameDemux.Stream.STDERR ? request.err() : request.out();
                to.write(bytes, offset, length);
                to.flush();
            });
        }
    }

    private int exitCode(String execId) throws DropletException, InterruptedException {
        for (int poll = 0; ; poll++) {
            InspectExecResponse exec = connection.call("asking the exec's exit code",
                    docker -> docker.inspectExecCmd(execId).exec());
            if (!Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null) {
                return (int) (exec.getExitCodeLong() & 0xff);
            }
            if (poll == EXIT_CODE_POLLS) {
                throw new DropletException(UnreachableReason.DOCKER, "the exec's output ended but the Docker engine"
                        + " still has no exit code for it after " + EXIT_CODE_POLLS * EXIT_CODE_POLL.toMillis() / 1000 + "s");
            }
            Thread.sleep(EXIT_CODE_POLL);
        }
    }
}
