package dev.fleet.rollout.watch;

import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.plan.Plan;
import dev.fleet.report.FailureText;
import dev.fleet.rollout.ConvergeResult;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.ForwardingListener;
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
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rounds of {@code fleet watch}: fetch the state's source, load the state, observe, converge
 * when asked to, publish what it knows, tell people what changed (its listener, and the
 * notifier). The scheduler calls {@link #tick}
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
public final class WatchLoop {

    private final StateSource source;
    private final StateLoader loader;
    private final Convergence convergence;
    private final Runnable afterRound;
    private final Notifier notifier;
    private final RolloutEvents events;
    private final Clock clock;
    private final boolean applying;
    private final Duration interval;
    private final Backoff backoff;
    private final WatchListener listener;

    private final AtomicReference<WatchStatus> status;
    private final RolloutMemory memory = new RolloutMemory();
    private final Map<WatchStatus.RolloutResult, Integer> rollouts = new EnumMap<>(WatchStatus.RolloutResult.class);
    private RolloutDurations durations = RolloutDurations.NONE;
    private final HistoryMemory history;
    private SyncRounds sync = SyncRounds.NONE;
    /** Held while a round runs: a stop waits for it (see {@link #awaitIdle}). */
    private final ReentrantLock running = new ReentrantLock();
    private volatile DesiredState lastValid;
    private String lastDriftNotified = "";
    private RolloutMemory.Target toldNotRetrying;

    /**
     * @param history    reads the fleet's history, for the page (at the first round and after changes)
     * @param afterRound run after every round, to let go of what the round held (its connections)
     */
    public WatchLoop(StateSource source, StateLoader loader, Convergence convergence, HistoryMemory.Reader history,
            Runnable afterRound, Notifier notifier, Clock clock, boolean applying, Duration interval,
            WatchListener listener) {
        this.source = source;
        this.loader = loader;
        this.convergence = convergence;
        this.history = new HistoryMemory(history);
        this.afterRound = afterRound;
        this.notifier = notifier;
        this.events = new RolloutEvents(notifier, clock);
        this.clock = clock;
        this.applying = applying;
        this.interval = interval;
        this.backoff = Backoff.forInterval(interval);
        this.listener = listener;
        this.status = new AtomicReference<>(WatchStatus.starting(clock.instant(), source.describe(), applying, interval));
    }

    /** The last valid state fetched, which the watch acts on; empty before the first. */
    public Optional<DesiredState> lastValid() {
        return Optional.ofNullable(lastValid);
    }

    /** What the watch knows now: the latest round's status. */
    public WatchStatus status() {
        return status.get();
    }

    /** Waits, at most {@code timeout}, until no round runs; true if none does. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        if (running.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            running.unlock();
            return true;
        }
        return false;
    }

    /** Runs a round if one is due. */
    public void tick() {
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
            listener.note("the round failed unexpectedly: " + e);
            finish(now, clock.instant(), Optional.empty(), now.stateProblem(), Optional.empty(), now.lastRollout(), true,
                    false);
        } finally {
            afterRound.run();
        }
    }

    /** What a round found before it acts: the source's problem, the state's, and the state in force. */
    private record Fetched(Optional<String> sourceProblem, Optional<String> stateProblem) {}

    private Fetched fetch() {
        StateSource.Fetch fetch = source.fetch();
        Optional<String> sourceProblem = switch (fetch) {
            case StateSource.Fresh fresh -> Optional.empty();
            case StateSource.Stale stale -> Optional.of(stale.problem());
            case StateSource.Unavailable unavailable -> Optional.of(unavailable.problem());
        };
        sourceProblem.ifPresent(p -> listener.note("the source is stale, the last state fetched stays in force: " + p));
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
                listener.note("the state file is invalid, " + (lastValid == null ? "and there is no valid one yet"
                        : "the last valid one (" + lastValid.revision().describe() + ") stays in force") + ":\n"
                        + e.getMessage());
            }
        }
        return new Fetched(sourceProblem, stateProblem);
    }

    private void round(WatchStatus before) throws InterruptedException {
        Instant started = clock.instant();
        Fetched fetched = fetch();
        if (lastValid == null) {
            finish(before, started, fetched.sourceProblem(), fetched.stateProblem(), Optional.empty(),
                    before.lastRollout(), true, false);
            return;
        }
        DesiredState state = lastValid;
        boolean problem = fetched.sourceProblem().isPresent() || fetched.stateProblem().isPresent();
        RolloutMemory.Target target = target(state);
        Converged converged;
        if (applying && memory.worthTrying(target)) {
            converged = converge(state, target, before.lastRollout());
        } else {
            converged = new Converged(convergence.drift(state), before.lastRollout(), false, false);
            memory.failureOf(target).filter(why -> !target.equals(toldNotRetrying)).ifPresent(why -> {
                toldNotRetrying = target;
                listener.note("not rolling out " + target.commit() + " again: its last rollout failed (" + why
                        + "); waiting for a new commit or digest");
            });
        }
        notifyDrift(state, converged.drift());
        history.afterRound(state, converged.drift(), converged.applied(), clock.instant());
        // A droplet not observed makes the round a failure for whoever watches the watch (last success,
        // failed rounds), but no reason to back off: the droplets that answer keep their pace.
        finish(before, started, fetched.sourceProblem(), fetched.stateProblem(), Optional.of(converged.drift()),
                converged.lastRollout(), problem || converged.problem(), !converged.drift().unreachable().isEmpty());
    }

    /**
     * What converging gave the round: the drift to show, the last rollout, whether it was a problem,
     * whether it applied (and so wrote the history).
     */
    private record Converged(DriftReport drift, Optional<WatchStatus.Rollout> lastRollout, boolean problem,
            boolean applied) {}

    private Converged converge(DesiredState state, RolloutMemory.Target target,
            Optional<WatchStatus.Rollout> lastRollout) throws InterruptedException {
        Instant rolloutStarted = clock.instant();
        ConvergeResult result = convergence.converge(state, Convergence.Confirmation.ALWAYS, new Starting(state));
        if (!(result instanceof ConvergeResult.NothingToDo)) {
            listener.converged(result);
        }
        if (!(result instanceof ConvergeResult.Applied applied)) {
            // Refused, locked by another apply, or unreachable: nothing changed.
            return new Converged(result.drift(), lastRollout, !(result instanceof ConvergeResult.NothingToDo), false);
        }
        WatchStatus.Rollout rollout = ended(state, target, applied.result(), rolloutStarted);
        // After a rollout the fleet has changed: what the page shows is observed afresh.
        return new Converged(convergence.drift(state), Optional.of(rollout), !applied.result().succeeded(), true);
    }

    /** Records how a rollout ended, in the memory, the counts and the notifier. */
    private WatchStatus.Rollout ended(DesiredState state, RolloutMemory.Target target, ApplyResult result,
            Instant rolloutStarted) {
        Duration took = Duration.between(rolloutStarted, clock.instant());
        events.ended(state, result, took);
        WatchStatus.RolloutResult ended;
        if (result.succeeded()) {
            ended = WatchStatus.RolloutResult.SUCCEEDED;
            memory.succeeded(target);
        } else {
            boolean rolledBack = result.droplets().stream()
                    .anyMatch(droplet -> droplet.result() == DropletOutcome.Result.ROLLED_BACK);
            ended = rolledBack ? WatchStatus.RolloutResult.ROLLED_BACK : WatchStatus.RolloutResult.FAILED;
            memory.failed(target, FailureText.of(result).orElse("the rollout stopped"));
        }
        rollouts.merge(ended, 1, Integer::sum);
        durations = durations.with(took);
        return new WatchStatus.Rollout(state.revision().describe(), rolloutStarted, took, ended, FailureText.of(result));
    }

    /** The watch's listener for a convergence, which also tells people when a rollout starts. */
    private final class Starting extends ForwardingListener {

        private final DesiredState state;

        Starting(DesiredState state) {
            super(listener.rollout());
            this.state = state;
        }

        @Override
        public void starting(DriftReport drift, Plan plan) {
            super.starting(drift, plan);
            notifyDrift(state, drift);
            listener.note("rolling out " + state.revision().describe());
            events.started(state, plan);
        }
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

    /**
     * Ends a round: a {@code problem} (the source, the state, a rollout) backs the next round off; a
     * round with a droplet {@code unseen} also counts as failed and is not a success, at the interval.
     */
    private void finish(WatchStatus before, Instant started, Optional<String> sourceProblem,
            Optional<String> stateProblem, Optional<DriftReport> drift, Optional<WatchStatus.Rollout> lastRollout,
            boolean problem, boolean unseen) {
        Instant ended = clock.instant();
        boolean failed = problem || unseen;
        int failures = failed ? before.failuresInARow() + 1 : 0;
        Duration wait = problem ? backoff.after(failures) : interval;
        drift.ifPresent(observed -> sync = sync.with(ended, observed));
        // The DNS failover runs on its own schedule: the page adds it as it is when asked.
        status.set(new WatchStatus(before.started(), source.describe(), applying, interval, sourceProblem, stateProblem,
                drift.isPresent() ? drift : before.drift(), Optional.of(new WatchStatus.Round(ended,
                        Duration.between(started, ended))), failed ? before.lastSuccess() : Optional.of(ended),
                lastRollout, new LinkedHashMap<>(rollouts), durations, failures, Optional.of(started.plus(wait)),
                history.applies(), sync, Optional.empty()));
    }

    private static RolloutMemory.Target target(DesiredState state) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (DropletSpec droplet : state.droplets()) {
            digests.put(droplet.name(), state.desiredImage(droplet).digest());
        }
        return RolloutMemory.Target.of(state.revision().describe(), digests);
    }

}
