package dev.fleet.cli;

import dev.fleet.apply.DropletOutcome;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.StateLoader;
import dev.fleet.drift.DriftDetector;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.observed.FleetObserver;
import dev.fleet.report.FailureText;
import dev.fleet.watch.Backoff;
import dev.fleet.watch.Notifier;
import dev.fleet.watch.RolloutMemory;
import dev.fleet.watch.StateSource;
import dev.fleet.watch.WatchEvent;
import dev.fleet.watch.WatchStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rounds of {@code fleet watch}: fetch the state's source, load the state, observe, converge
 * when asked to, publish what it knows, tell people what changed. The scheduler calls {@link #tick}
 * often; a round runs when one is due (the interval, or the backoff after problems). Rounds never
 * overlap (the scheduler skips a tick while one runs) and never throw.
 *
 * <ul>
 *   <li>A source that cannot be fetched keeps the last state fetched in force, marked stale.
 *   <li>An invalid state file is never acted on: the last valid state stays in force, and the
 *       problem is shown.
 *   <li>A rollout that failed is not tried again until the commit or a digest changes.
 * </ul>
 */
final class WatchLoop {

    private final StateSource source;
    private final StateLoader loader;
    private final Convergence convergence;
    private final FleetObserver observer;
    private final DropletConnections connections;
    private final Notifier notifier;
    private final Clock clock;
    private final boolean applying;
    private final Duration interval;
    private final Backoff backoff;
    private final PrintWriter log;

    private final AtomicReference<WatchStatus> status;
    private final RolloutMemory memory = new RolloutMemory();
    private final Map<WatchStatus.RolloutResult, Integer> rollouts = new EnumMap<>(WatchStatus.RolloutResult.class);
    private volatile DesiredState lastValid;
    private String lastDriftNotified = "";
    private RolloutMemory.Target toldNotRetrying;

    WatchLoop(StateSource source, StateLoader loader, Convergence convergence, FleetObserver observer,
            DropletConnections connections, Notifier notifier, Clock clock, boolean applying, Duration interval,
            PrintWriter log) {
        this.source = source;
        this.loader = loader;
        this.convergence = convergence;
        this.observer = observer;
        this.connections = connections;
        this.notifier = notifier;
        this.clock = clock;
        this.applying = applying;
        this.interval = interval;
        // Up to 16 intervals, or 5 minutes when that is less (but never below one interval).
        Duration cap = interval.multipliedBy(16);
        if (cap.compareTo(Duration.ofMinutes(5)) > 0) {
            cap = interval.compareTo(Duration.ofMinutes(5)) > 0 ? interval : Duration.ofMinutes(5);
        }
        this.backoff = new Backoff(interval, cap);
        this.log = log;
        this.status = new AtomicReference<>(WatchStatus.starting(clock.instant(), source.describe(), applying, interval));
    }

    /** The last valid state fetched, which the watch acts on; empty before the first. */
    java.util.Optional<DesiredState> lastValid() {
        return Optional.ofNullable(lastValid);
    }

    /** What the watch knows now: the latest round's status. */
    WatchStatus status() {
        return status.get();
    }

    /** Held while a round runs: a stop waits for it (see {@link #awaitIdle}). */
    private final java.util.concurrent.locks.ReentrantLock running = new java.util.concurrent.locks.ReentrantLock();

    /** Waits, at most {@code timeout}, until no round runs; true if none does. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        if (running.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            running.unlock();
            return true;
        }
        return false;
    }

    /** Runs a round if one is due. */
    void tick() {
        running.lock();
        try {
            tickHolding();
        } finally {
            running.unlock();
        }
    }

    private void tickHolding() {
        WatchStatus now = status.get();
        if (now.nextRound().map(due -> due.isAfter(clock.instant())).orElse(false)) {
            return;
        }
        try {
            round(now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A bug must not end the watch: the round counts as failed, and the next one comes.
            log.println("fleet watch: the round failed unexpectedly: " + e);
            log.flush();
            finish(now, clock.instant(), Optional.empty(), now.stateProblem(), now.drift(), now.lastRollout(), true);
        } finally {
            connections.close();
        }
    }

    private void round(WatchStatus before) throws InterruptedException {
        Instant started = clock.instant();
        StateSource.Fetch fetch = source.fetch();
        Optional<String> sourceProblem = switch (fetch) {
            case StateSource.Fresh fresh -> Optional.empty();
            case StateSource.Stale stale -> Optional.of(stale.problem());
            case StateSource.Unavailable unavailable -> Optional.of(unavailable.problem());
        };
        sourceProblem.ifPresent(p -> say("the source is stale, the last state fetched stays in force: " + p));
        Optional<Path> file = switch (fetch) {
            case StateSource.Fresh fresh -> Optional.of(fresh.stateFile());
            case StateSource.Stale stale -> Optional.of(stale.stateFile());
            case StateSource.Unavailable unavailable -> Optional.empty();
        };
        Optional<String> stateProblem = Optional.empty();
        if (file.isPresent()) {
            try {
                lastValid = loader.load(file.get());
            } catch (InvalidStateException e) {
                stateProblem = Optional.of(e.getMessage());
                say("the state file is invalid, " + (lastValid == null ? "and there is no valid one yet"
                        : "the last valid one (" + lastValid.revision().describe() + ") stays in force") + ":\n"
                        + e.getMessage());
            }
        }
        if (lastValid == null) {
            finish(before, started, sourceProblem, stateProblem, Optional.empty(), before.lastRollout(), true);
            return;
        }
        DesiredState state = lastValid;
        Optional<WatchStatus.Rollout> lastRollout = before.lastRollout();
        boolean problem = sourceProblem.isPresent() || stateProblem.isPresent();
        DriftReport drift;
        RolloutMemory.Target target = target(state);
        if (applying && memory.worthTrying(target)) {
            Instant rolloutStarted = clock.instant();
            // A converged fleet's "nothing to do" every round is noise: what convergence prints goes
            // to the log only when it planned something.
            HeldBack printed = new HeldBack(log);
            PrintWriter out = new PrintWriter(printed, true);
            Convergence.Outcome outcome = convergence.converge(state, plan -> true, out, log, (planned, plan) -> {
                printed.release();
                notifyDrift(state, planned);
                say("rolling out " + state.revision().describe());
                notifier.notify(new WatchEvent.RolloutStarted(state.service().name(), state.revision().describe(),
                        clock.instant(), plan.droplets().stream().map(p -> p.droplet()).toList()));
            });
            if (outcome.plan().isPresent()) {
                printed.release();
            }
            if (outcome.result().isPresent()) {
                var result = outcome.result().get();
                Duration took = Duration.between(rolloutStarted, clock.instant());
                String commit = state.revision().describe();
                WatchStatus.RolloutResult ended;
                if (result.succeeded()) {
                    ended = WatchStatus.RolloutResult.SUCCEEDED;
                    memory.succeeded(target);
                    notifier.notify(new WatchEvent.RolloutFinished(state.service().name(), commit, clock.instant(), took));
                } else {
                    boolean rolledBack = false;
                    for (DropletOutcome droplet : result.droplets()) {
                        if (droplet.result() == DropletOutcome.Result.ROLLED_BACK) {
                            rolledBack = true;
                            notifier.notify(new WatchEvent.RolledBack(state.service().name(), commit, clock.instant(),
                                    droplet.droplet(), FailureText.of(droplet).orElse("its new container failed")));
                        }
                    }
                    ended = rolledBack ? WatchStatus.RolloutResult.ROLLED_BACK : WatchStatus.RolloutResult.FAILED;
                    String why = FailureText.of(result).orElse("the rollout stopped");
                    memory.failed(target, why);
                    notifier.notify(new WatchEvent.RolloutFailed(state.service().name(), commit, clock.instant(), why));
                    problem = true;
                }
                rollouts.merge(ended, 1, Integer::sum);
                lastRollout = Optional.of(new WatchStatus.Rollout(commit, rolloutStarted, took, ended,
                        FailureText.of(result)));
            } else if (outcome.exitCode() != ExitCodes.SUCCESS) {
                problem = true; // refused, locked by another apply, or unreachable: nothing changed
            }
            // After a rollout the fleet has changed: what the page shows is observed afresh.
            drift = outcome.result().isPresent() || outcome.drift().isEmpty() ? observe(state) : outcome.drift().get();
        } else {
            drift = observe(state);
            memory.failureOf(target).filter(why -> !target.equals(toldNotRetrying)).ifPresent(why -> {
                toldNotRetrying = target;
                say("not rolling out " + target.commit() + " again: its last rollout failed (" + why
                        + "); waiting for a new commit or digest");
            });
        }
        notifyDrift(state, drift);
        finish(before, started, sourceProblem, stateProblem, Optional.of(drift), lastRollout, problem);
    }

    private DriftReport observe(DesiredState state) {
        return DriftDetector.detect(state, observer.observe(state));
    }

    /** Drift is told once per change of what drifts, not every round. */
    private void notifyDrift(DesiredState state, DriftReport drift) {
        if (drift.clean()) {
            lastDriftNotified = "";
            return;
        }
        StringBuilder signature = new StringBuilder(state.revision().describe());
        List<String> drifting = drift.droplets().stream().filter(d -> d.status() != DropletStatus.IN_SYNC)
                .map(DropletDrift::droplet).toList();
        drift.droplets().forEach(d -> signature.append(' ').append(d.droplet()).append('=').append(d.status()));
        if (!signature.toString().equals(lastDriftNotified)) {
            lastDriftNotified = signature.toString();
            notifier.notify(new WatchEvent.DriftDetected(state.service().name(), state.revision().describe(),
                    clock.instant(), drift.summary(), drifting));
        }
    }

    private void finish(WatchStatus before, Instant started, Optional<String> sourceProblem,
            Optional<String> stateProblem, Optional<DriftReport> drift, Optional<WatchStatus.Rollout> lastRollout,
            boolean problem) {
        Instant ended = clock.instant();
        int failures = problem ? before.failuresInARow() + 1 : 0;
        Duration wait = problem ? backoff.after(failures) : interval;
        status.set(new WatchStatus(before.started(), source.describe(), applying, interval, sourceProblem, stateProblem,
                drift.isPresent() ? drift : before.drift(), Optional.of(new WatchStatus.Round(ended,
                        Duration.between(started, ended))), problem ? before.lastSuccess() : Optional.of(ended),
                lastRollout, new LinkedHashMap<>(rollouts), failures, Optional.of(started.plus(wait))));
    }

    private static RolloutMemory.Target target(DesiredState state) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (DropletSpec droplet : state.droplets()) {
            digests.put(droplet.name(), state.desiredImage(droplet).digest());
        }
        return RolloutMemory.Target.of(state.revision().describe(), digests);
    }

    /** Holds what is written back until released, then passes everything through (live progress). */
    private static final class HeldBack extends java.io.Writer {

        private final PrintWriter target;
        private final StringBuilder held = new StringBuilder();
        private boolean passing;

        HeldBack(PrintWriter target) {
            this.target = target;
        }

        synchronized void release() {
            target.print(held);
            target.flush();
            held.setLength(0);
            passing = true;
        }

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            if (passing) {
                target.write(buffer, offset, length);
            } else {
                held.append(buffer, offset, length);
            }
        }

        @Override
        public synchronized void flush() {
            if (passing) {
                target.flush();
            }
        }

        @Override
        public void close() {
            flush();
        }
    }

    private void say(String line) {
        log.println("fleet watch: " + line);
        log.flush();
    }
}
