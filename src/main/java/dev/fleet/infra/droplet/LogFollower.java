package dev.fleet.infra.droplet;

import dev.fleet.apply.Pause;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.droplet.containers.ContainerLogs;
import dev.fleet.infra.droplet.containers.ServiceContainer;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.rollout.watch.Backoff;
import dev.fleet.streams.LogQuery;
import dev.fleet.streams.LogSink;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One droplet's part of {@code fleet logs}: its service container's logs, read once, or followed
 * across everything that ends a stream. The container replaced (an apply), stopped, or the droplet
 * lost: each is said once, then the logs are asked for again, from just after the last line seen
 * (nothing lost, nothing repeated), on the container that runs then, backing off from 1s to 30s
 * while nothing answers.
 */
final class LogFollower {

    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    // The engine's since is inclusive: the next nanosecond leaves out the line already shown.
    private static final Duration AFTER = Duration.ofNanos(1);

    private final DropletConnections connections;
    private final DesiredState state;
    private final DropletSpec droplet;
    private final String service;
    private final LogQuery query;
    private final LogSink sink;
    private final Pause pause;
    private final BooleanSupplier stopping;
    private Optional<Instant> since;
    private String said;
    private boolean resumed;

    LogFollower(DropletConnections connections, DesiredState state, DropletSpec droplet, String service, LogQuery query,
            LogSink sink, Pause pause, BooleanSupplier stopping) {
        this.connections = connections;
        this.state = state;
        this.droplet = droplet;
        this.service = service;
        this.query = query;
        this.sink = sink;
        this.pause = pause;
        this.stopping = stopping;
        this.since = query.since();
    }

    /** Reads (or follows, until interrupted) the logs; whether the droplet could be read. */
    boolean run() throws InterruptedException {
        String following = null;
        int failures = 0;
        while (true) {
            try {
                DropletConnection connection = connections.get(droplet, state.ssh());
                Optional<ServiceContainer> container = ServiceContainer.find(connection, service);
                if (container.isEmpty()) {
                    say("none", "no container of " + service + (query.follow() ? ", waiting for one" : ""));
                } else if (query.follow() && !container.get().running() && container.get().id().equals(following)) {
                    say("stopped", "container stopped, waiting for it to run again");
                } else {
                    if (following != null && !following.equals(container.get().id())) {
                        say("replaced " + container.get().id(), "container replaced, following the new one");
                    }
                    following = container.get().id();
                    read(connection, container.get());
                    failures = 0;
                }
                if (!query.follow()) {
                    return true;
                }
            } catch (DropletException e) {
                if (stopping.getAsBoolean()) {
                    return true; // fleet is ending (Ctrl-C): its own closing broke the stream, nothing to say
                }
                connections.discard(droplet, state.ssh());
                if (!query.follow()) {
                    sink.note(droplet.name(), "unreachable: " + e.getMessage());
                    return false;
                }
                say("lost", "lost (" + e.getMessage() + "), retrying");
            }
            pause.pause(BACKOFF.after(++failures));
        }
    }

    private void read(DropletConnection connection, ServiceContainer container) throws DropletException {
        // --tail is for the first read the engine answered: after that, everything since the last line seen.
        Optional<Integer> tail = resumed ? Optional.empty() : query.tail();
        new ContainerLogs(connection).read(container, since, tail, query.follow(), new ContainerLogs.Sink() {
            @Override
            public void opened(Instant engineTime) {
                resumed = true;
                // With --tail 0 (or a container that has said nothing yet) no line may come before a break:
                // the next read starts from the engine's now (to the second), not from the container's first
                // line. A line of that second written before the follow began may then show; none is lost.
                if (since.isEmpty() && tail.isPresent()) {
                    since = Optional.of(engineTime);
                }
            }

            @Override
            public void line(boolean stderr, Optional<Instant> time, String text) {
                resumed = true;
                time.ifPresent(seen -> since = Optional.of(seen.plus(AFTER)));
                said = null;
                sink.line(droplet.name(), stderr, text);
            }
        });
    }

    /**
     * Says {@code message} unless the same kind of thing was the last said and no line came since: a
     * droplet lost for a while is said once, whatever each try's reason.
     */
    private void say(String kind, String message) {
        if (!Objects.equals(said, kind)) {
            said = kind;
            sink.note(droplet.name(), message);
        }
    }
}
