package dev.fleet.infra.droplet;

import dev.fleet.apply.Pause;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.droplet.containers.ContainerExec;
import dev.fleet.infra.droplet.containers.ServiceContainer;
import dev.fleet.infra.droplet.containers.TerminalWindow;
import dev.fleet.infra.host.LocalTerminal;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.streams.ContainerStreams;
import dev.fleet.streams.ExecRequest;
import dev.fleet.streams.LogQuery;
import dev.fleet.streams.LogSink;
import dev.fleet.streams.StreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link ContainerStreams} over SSH: the Engine API of each droplet, on channels of their own. */
public final class SshContainerStreams implements ContainerStreams {

    private final DropletConnections connections;
    private final Map<String, String> environment;
    private final Pause pause;

    /** @param environment where {@code LINES} and {@code COLUMNS} are read when the terminal does not say */
    public SshContainerStreams(DropletConnections connections, Map<String, String> environment, Pause pause) {
        this.connections = connections;
        this.environment = Map.copyOf(environment);
        this.pause = pause;
    }

    @Override
    public int exec(DesiredState state, DropletSpec droplet, ServiceSpec service, ExecRequest request)
            throws StreamException {
        Optional<String> saved = Optional.empty();
        try {
            DropletConnection connection = connections.get(droplet, state.ssh());
            ServiceContainer container = ServiceContainer.find(connection, service.name()).filter(ServiceContainer::running)
                    .orElseThrow(() -> new StreamException(droplet.name() + " runs no container of " + service.name()
                            + " now: nothing to run the command in", false, null));
            if (request.tty() && request.localTerminal()) {
                saved = LocalTerminal.raw();
            }
            Optional<Thread> restorer = saved.map(settings -> new Thread(() -> LocalTerminal.restore(settings)));
            // A SIGTERM or a hangup ends the JVM without the finally below: the terminal is restored all the same.
            restorer.ifPresent(Runtime.getRuntime()::addShutdownHook);
            try {
                return new ContainerExec(connection).run(container.id(), request, window(request));
            } finally {
                restorer.ifPresent(SshContainerStreams::removeHook);
            }
        } catch (DropletException e) {
            throw new StreamException(droplet.name() + ": " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamException("interrupted", false, e);
        } finally {
            saved.ifPresent(LocalTerminal::restore);
        }
    }

    /** fleet's terminal, whose changes of size are followed only when it is really a terminal of ours. */
    private TerminalWindow window(ExecRequest request) {
        return new TerminalWindow() {
            @Override
            public Optional<int[]> size() {
                return LocalTerminal.size(environment);
            }

            @Override
            public Listening onResize(Runnable resized) {
                return request.localTerminal() ? LocalTerminal.onResize(resized)::run : () -> { };
            }
        };
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs, restoring the terminal once more, harmlessly.
        }
    }

    @Override
    public boolean logs(DesiredState state, List<DropletSpec> droplets, ServiceSpec service, LogQuery query,
            LogSink sink) throws InterruptedException {
        AtomicBoolean everyOne = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (DropletSpec droplet : droplets) {
            LogFollower follower = new LogFollower(connections, state, droplet, service.name(), query, sink, pause,
                    SshContainerStreams::jvmShuttingDown);
            Thread thread = new Thread(() -> {
                try {
                    if (!follower.run()) {
                        everyOne.set(false);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "logs-" + droplet.name());
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
        return everyOne.get();
    }

    /**
     * Whether the JVM has begun to shut down (Ctrl-C, SIGTERM). Asked of the JVM itself rather than
     * of a flag a hook of ours would set: hooks run concurrently, and the one that closes the
     * connections can break a stream before ours has said so. The JVM refuses new hooks from the
     * moment shutdown begins, before any hook runs.
     */
    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
