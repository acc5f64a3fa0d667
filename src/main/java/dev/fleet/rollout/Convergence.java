package dev.fleet.rollout;

import dev.fleet.apply.ApplyResult;
import dev.fleet.desired.DesiredState;
import dev.fleet.drift.DriftDetector;
import dev.fleet.drift.DriftReport;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.FleetObserver;
import dev.fleet.plan.BalancerRules;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlanOptions;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.Planner;
import dev.fleet.rollout.ledger.Acquisition;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.Ledger;
import dev.fleet.rollout.ledger.LockException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Converges a fleet to a desired state, as {@code fleet apply} does once and {@code fleet watch
 * --apply} each round: observe read-only (a converged fleet ends there, without the lock), take the
 * fleet's lease, observe again if another apply may have been at work since, plan, confirm, run the
 * plan, record it in the history, give the lease back. Returns what happened as a value and tells
 * its listener as it goes; it never prints.
 */
public final class Convergence {

    /**
     * How long a lease lasts without renewal, unless the operator says otherwise: what a crashed apply
     * blocks the next one for, at most, and twice how long a holder cut off from the droplets may go on.
     */
    public static final Duration LEASE = Duration.ofSeconds(120);

    /** Asked once a plan with steps is known, before anything changes. */
    @FunctionalInterface
    public interface Confirmation {
        boolean confirmed(Plan plan);

        Confirmation ALWAYS = plan -> true;
    }

    private final FleetObserver observer;
    private final Function<DesiredState, ? extends BalancerRules> balancers;
    private final Ledger.Opener ledgers;
    private final PlanRunner runner;
    private final Processes processes;
    private final Supplier<String> owner;
    private final Supplier<String> runIds;
    private final Clock clock;
    private final Supplier<Duration> lease;

    /**
     * @param balancers the rules of a state's balancer, which plans are made with
     * @param owner     who runs fleet, for the lease and the history
     * @param runIds    a new run id each time it is asked
     * @param lease     how long the lease lasts without renewal ({@link #LEASE}, unless the operator set it); an
     *                  {@link IllegalArgumentException} from it, a setting fleet cannot use, ends each apply before the lock
     */
    public Convergence(FleetObserver observer, Function<DesiredState, ? extends BalancerRules> balancers,
            Ledger.Opener ledgers, PlanRunner runner, Processes processes, Supplier<String> owner,
            Supplier<String> runIds, Clock clock, Supplier<Duration> lease) {
        this.observer = observer;
        this.balancers = balancers;
        this.ledgers = ledgers;
        this.runner = runner;
        this.processes = processes;
        this.owner = owner;
        this.runIds = runIds;
        this.clock = clock;
        this.lease = lease;
    }

    /** The run id {@code fleet plan} shows on the containers a plan starts: no apply, so no run. */
    public static final String NO_RUN = "(the apply's run id)";

    /** The drift and the plan that follows from it, from one observation, to show; read-only. */
    public Planned plan(DesiredState state) {
        return plan(state, PlanOptions.DEFAULT);
    }

    /**
     * As {@link #plan(DesiredState)}.
     *
     * @param options what the operator asked beyond the state
     */
    public Planned plan(DesiredState state, PlanOptions options) {
        return plan(state, NO_RUN, options);
    }

    /** @param run the run id of the apply that will perform the plan (its containers carry it) */
    private Planned plan(DesiredState state, String run, PlanOptions options) {
        FleetObservation observation = observer.observe(state);
        DriftReport drift = DriftDetector.detect(state, observation);
        return new Planned(drift, Planner.plan(state, observation, drift, run, balancers.apply(state), options));
    }

    /** Observes the fleet and reports its drift; read-only. */
    public DriftReport drift(DesiredState state) {
        return DriftDetector.detect(state, observer.observe(state));
    }

    /**
     * Observes the fleet for {@code fleet status}; read-only.
     *
     * @param history        the fleet's history, oldest first, read before
     * @param historyProblem why it could not be read, when it could not
     */
    public FleetStatus status(DesiredState state, List<HistoryEntry> history, Optional<String> historyProblem) {
        FleetObservation observation = observer.observe(state);
        return FleetStatus.of(observation, DriftDetector.detect(state, observation), history, historyProblem);
    }

    public ConvergeResult converge(DesiredState state, Confirmation confirmation, RolloutListener listener)
            throws InterruptedException {
        return converge(state, confirmation, listener, PlanOptions.DEFAULT);
    }

    /**
     * As {@link #converge(DesiredState, Confirmation, RolloutListener)}.
     *
     * @param options what the operator asked beyond the state
     */
    public ConvergeResult converge(DesiredState state, Confirmation confirmation, RolloutListener listener,
            PlanOptions options) throws InterruptedException {
        // Read-only first: a converged fleet needs no lock, and is left without a single change.
        Instant observedAt = clock.instant();
        String runId = runIds.get();
        Planned first = plan(state, runId, options);
        Duration leaseLength;
        try {
            leaseLength = lease.get();
        } catch (IllegalArgumentException e) {
            return new ConvergeResult.LockUnavailable(first.drift(), e.getMessage());
        }
        if (first.nothingToDo()) {
            return new ConvergeResult.NothingToDo(first.drift());
        }
        Ledger ledger;
        try {
            ledger = ledgers.open(state);
        } catch (LockException e) {
            return new ConvergeResult.LockUnavailable(first.drift(), e.getMessage());
        }
        try (ledger) {
            Run run = new Run(runId, owner.get(), state.revision().describe(), state, ledger, listener, leaseLength);
            Acquisition acquisition;
            try {
                acquisition = acquire(run);
            } catch (LockException e) {
                return new ConvergeResult.LockUnavailable(first.drift(), e.getMessage());
            }
            if (acquisition instanceof Acquisition.Held held) {
                return new ConvergeResult.Locked(first.drift(), ledger.where(), held.holder(), held.now());
            }
            Acquisition.Acquired acquired = (Acquisition.Acquired) acquisition;
            acquired.expired().filter(lapsed -> lapsed.process().filter(processes::isGone).isEmpty())
                    .ifPresent(lapsed -> listener.leaseTakenOver(lapsed, false));
            // Observe again under the lock, unless no other apply can have been at work since the first look.
            Duration observedAgo = Duration.between(observedAt, clock.instant());
            Planned planned = acquired.observationStillValid(observedAgo) ? first : plan(state, runId, options);
            try (Heartbeat heartbeat = new Heartbeat(ledger, run.id, leaseLength, listener, clock)) {
                return holding(run, planned, confirmation, heartbeat);
            } finally {
                try {
                    ledger.release(run.id);
                } catch (LockException e) {
                    listener.leaseReleaseFailed(e);
                }
            }
        }
    }

    /** One apply's identity and what it works with. */
    private record Run(String id, String who, String commit, DesiredState state, Ledger ledger,
            RolloutListener listener, Duration lease) {}

    /**
     * Takes the lease. A lease whose holder ran on this machine and is gone (killed, crashed) is taken
     * over at once rather than waited out; only if it is still that run's lease.
     */
    private Acquisition acquire(Run run) throws LockException {
        Optional<String> process = processes.identity();
        Acquisition acquisition = run.ledger.acquire(run.id, run.who, run.commit, run.lease, process, Optional.empty());
        if (acquisition instanceof Acquisition.Held held
                && held.holder().process().filter(processes::isGone).isPresent()) {
            acquisition = run.ledger.acquire(run.id, run.who, run.commit, run.lease, process,
                    Optional.of(held.holder().run()));
            if (acquisition instanceof Acquisition.Acquired) {
                run.listener.leaseTakenOver(held.holder(), true);
            }
        }
        return acquisition;
    }

    private ConvergeResult holding(Run run, Planned planned, Confirmation confirmation, Heartbeat heartbeat)
            throws InterruptedException {
        Instant started = clock.instant();
        Plan plan;
        switch (planned.outcome()) {
            case PlanOutcome.Refused refused -> {
                record(run, new ApplyRecord(run.id, run.who, run.commit, started,
                        Duration.between(started, clock.instant()), "refused", List.of(),
                        Optional.of(String.join("; ", refused.reasons()))));
                return new ConvergeResult.Refused(planned.drift(), refused.plan(), refused.reasons());
            }
            case PlanOutcome.Ready ready -> plan = ready.plan();
        }
        if (plan.isEmpty()) {
            return new ConvergeResult.NothingToDo(planned.drift());
        }
        run.listener.planned(run.state, plan);
        if (!confirmation.confirmed(plan)) {
            return new ConvergeResult.Declined(planned.drift(), plan);
        }
        run.listener.starting(planned.drift(), plan);
        ApplyResult result = runner.run(run.state, plan, run.id, heartbeat, run.listener);
        record(run, HistoryRecords.of(run.id, run.who, run.commit, result));
        return new ConvergeResult.Applied(planned.drift(), plan, result);
    }

    private static void record(Run run, ApplyRecord record) {
        try {
            run.ledger.append(record);
        } catch (LockException e) {
            run.listener.historyFailed(e);
        }
    }
}
