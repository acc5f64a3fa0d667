package dev.fleet.infra.droplet.containers;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import dev.fleet.apply.HookRun;
import dev.fleet.apply.Pause;
import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.SecretRedaction;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.droplet.containers.ContainerControl.ConnectionSource;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.UnreachableReason;
import dev.fleet.plan.ContainerSpec;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs a container once on a droplet and reports how it ended: a deploy hook. It is created the
 * way {@link ContainerControl#create} creates the service's (environment with its secrets,
 * volumes, networks, user, limits, log...) but with no published port and restart {@code no}, its
 * command replaced; it is polled until it exits or its time is up, then killed if need be, its
 * output read, and it is removed whatever happened.
 *
 * <p>Every Docker call is a short one with the connection's own deadline: the wait is polling
 * (every {@value #POLL_MILLIS} ms, on the given clock), never one long request, so a run lasts at
 * most its timeout, plus one poll and the calls around it. Nothing is made again on a new
 * connection: a hook that may not be safe to run twice is run at most once per call.
 */
public final class OneOffContainer {

    static final long POLL_MILLIS = 200;
    private static final Duration POLL = Duration.ofMillis(POLL_MILLIS);
    /** Reading the output is bounded apart: at most {@link OutputTail#capacity()} log entries come. */
    private static final Duration OUTPUT_READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> ENDED = Set.of("exited", "dead");
    private static final Logger LOG = Logger.getLogger(OneOffContainer.class);

    private final ConnectionSource connections;
    private final ContainerControl control;
    private final Clock clock;
    private final Pause pause;

    /** @param control creates and starts the container: the same commands as for the service's own */
    public OneOffContainer(ConnectionSource connections, ContainerControl control, Clock clock, Pause pause) {
        this.connections = connections;
        this.control = control;
        this.clock = clock;
        this.pause = pause;
    }

    /** How a run ended, before its output is read. */
    private record Ended(boolean timedOut, Optional<Integer> exitCode) {}

    /**
     * Runs {@code spec} once with {@code command} in place of its command; see {@code
     * DropletSession.runOnce}.
     *
     * @throws DropletException when it could not be created, started or inspected
     */
    public HookRun run(ContainerSpec spec, List<String> command, Duration timeout) throws DropletException {
        String name = spec.name();
        removeLeftover(name);
        String id = control.create(oneOff(spec, command));
        try {
            control.start(name, id);
            Instant started = clock.instant();
            Ended ended = await(name, id, started.plus(timeout));
            Duration took = Duration.between(started, clock.instant());
            String output = output(name, id, new OutputTail(HookRun.OUTPUT_LIMIT,
                    SecretRedaction.of(spec.environment())));
            return new HookRun(ended.exitCode(), ended.timedOut(), output, took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DropletException(UnreachableReason.OTHER, "interrupted while waiting for " + name
                    + " to exit", e);
        } finally {
            remove(name, id);
        }
    }

    /** {@code spec} as a one-off: no published port (the service holds them), never restarted. */
    static ContainerSpec oneOff(ContainerSpec spec, List<String> command) {
        ContainerSettings s = spec.settings();
        ContainerSettings settings = new ContainerSettings(List.of(), s.environment(), "no", s.labels(),
                Optional.of(command), s.entrypoint(), s.volumes(), s.networks(), s.user(), s.workingDir(), s.log(),
                s.limits(), s.stopSignal(), s.stopGrace(), s.extraHosts(), s.init());
        return new ContainerSpec(spec.name(), spec.image(), settings, spec.labels());
    }

    /** A container of the name left by a run that was killed before it could remove its own. */
    private void removeLeftover(String name) throws DropletException {
        connections.get().call("removing a leftover container " + name, docker -> {
            try {
                docker.removeContainerCmd(name).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException e) {
                // None: the usual case.
            }
            return null;
        });
    }

    /** Polls until the container ends or {@code deadline} passes; then it is killed. */
    private Ended await(String name, String id, Instant deadline) throws DropletException, InterruptedException {
        while (true) {
            InspectContainerResponse.ContainerState state = inspect(name, id);
            if (ended(state)) {
                return new Ended(false, exitCode(state));
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                if (kill(name, id)) {
                    return new Ended(true, Optional.empty());
                }
                // It exited between the look and the kill: on its own, within its time.
                return new Ended(false, exitCode(inspect(name, id)));
            }
            Duration left = Duration.between(now, deadline);
            pause.pause(left.compareTo(POLL) < 0 ? left : POLL);
        }
    }

    private InspectContainerResponse.ContainerState inspect(String name, String id) throws DropletException {
        return connections.get().call("inspecting container " + name, docker -> docker.inspectContainerCmd(id).exec()
                .getState());
    }

    private static boolean ended(InspectContainerResponse.ContainerState state) {
        return state != null && ENDED.contains(state.getStatus());
    }

    private static Optional<Integer> exitCode(InspectContainerResponse.ContainerState state) {
        return state == null || !ended(state) ? Optional.empty()
                : Optional.ofNullable(state.getExitCodeLong()).map(Long::intValue);
    }

    /** SIGKILL: a hook out of time gets no grace. Whether it was still running to be killed. */
    private boolean kill(String name, String id) throws DropletException {
        return connections.get().call("killing container " + name, docker -> {
            try {
                docker.killContainerCmd(id).exec();
                return true;
            } catch (ConflictException e) {
                return false; // "is not running"
            }
        });
    }

    /**
     * The end of its output, stdout and stderr in the order the engine logged them, read once it
     * ended. Output that cannot be read (a log driver that keeps none, the droplet gone silent) is
     * not a failure of the run: the text says why instead.
     */
    private String output(String name, String id, OutputTail tail) {
        try {
            boolean whole = connections.get().call("reading the output of container " + name, docker -> {
                var reading = docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withTimestamps(false)
                        .withFollowStream(false).withTail(tail.capacity())
                        .exec(new ResultCallback.Adapter<Frame>() {
                            @Override
                            public void onNext(Frame frame) {
                                tail.append(frame.getPayload());
                            }
                        });
                return awaitOrClose(reading);
            });
            return whole ? tail.text() : tail.text() + "\n[fleet: reading the output took longer than "
                    + OUTPUT_READ_TIMEOUT.toSeconds() + "s; it ends here]";
        } catch (DropletException e) {
            return tail.text() + "\n[fleet: the output could not be read: " + e.getMessage() + "]";
        }
    }

    private static boolean awaitOrClose(ResultCallback.Adapter<Frame> reading) {
        try {
            if (reading.awaitCompletion(OUTPUT_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            reading.close();
        } catch (IOException e) {
            // Closing a stream that is being given up on: nothing more to do.
        }
        return false;
    }

    /** Removed by force (killed if it still runs) with its anonymous volumes; named volumes stay. */
    private void remove(String name, String id) {
        try {
            DropletConnection connection = connections.get();
            connection.call("removing container " + name, docker -> {
                try {
                    docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
                } catch (NotFoundException e) {
                    // Gone already.
                }
                return null;
            });
        } catch (DropletException e) {
            // Its result matters more than its remains; the next run removes a leftover of its name first.
            LOG.warnf("Could not remove the one-off container %s: %s", name, e.getMessage());
        }
    }
}
