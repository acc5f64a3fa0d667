package dev.fleet.cli;

import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.apply.Progress;
import dev.fleet.apply.StepRecord;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.ImageRef;
import dev.fleet.drift.DriftReport;
import dev.fleet.history.ApplyRecord;
import dev.fleet.infra.droplet.DropletLedger;
import dev.fleet.lock.Acquisition;
import dev.fleet.lock.Lease;
import dev.fleet.lock.LockException;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.Step;
import dev.fleet.report.FailureText;
import dev.fleet.report.PlanReport;
import jakarta.inject.Singleton;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Converges the fleet to a loaded desired state, the way {@code fleet apply} does and {@code fleet
 * watch --apply} does each round: observe read-only (a converged fleet ends there, without the
 * lock), take the fleet's lock, observe again if another apply may have been at work, plan, confirm,
 * execute, record in the history, release the lock.
 */
@Singleton
class Convergence {

    /** Asked once the plan is printed, before anything changes. */
    @FunctionalInterface
    interface Confirmation {
        boolean confirmed(Plan plan);
    }

    /** Told when the rollout starts, after the confirmation, with the drift it was planned from. */
    @FunctionalInterface
    interface Listener {
        void starting(DriftReport drift, Plan plan);

        Listener NONE = (drift, plan) -> {};
    }

    /**
     * What a convergence did.
     *
     * @param exitCode {@code fleet apply}'s exit code for it (see {@link ExitCodes})
     * @param drift    the drift it planned from, when it got that far
     * @param plan     the plan, when it got that far
     * @param result   the rollout's result, when one ran
     */
    record Outcome(int exitCode, Optional<DriftReport> drift, Optional<Plan> plan, Optional<ApplyResult> result) {}

    private static final class Run {
        DriftReport drift;
        Plan plan;
        ApplyResult result;
    }

    private final Rollout rollout;

    Convergence(Rollout rollout) {
        this.rollout = rollout;
    }

    Outcome converge(DesiredState state, Confirmation confirmation, PrintWriter out, PrintWriter err, Listener listener)
            throws InterruptedException {
        Run outcome = new Run();
        int exitCode = converge(state, confirmation, out, err, listener, outcome);
        return new Outcome(exitCode, Optional.ofNullable(outcome.drift), Optional.ofNullable(outcome.plan),
                Optional.ofNullable(outcome.result));
    }

    private int converge(DesiredState state, Confirmation confirmation, PrintWriter out, PrintWriter err,
            Listener listener, Run outcome) throws InterruptedException {
        // Read-only first: a converged fleet needs no lock, and is left without a single change.
        long observedAt = System.nanoTime();
        String run = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        Rollout.Planned first = rollout.plan(state, run);
        outcome.drift = first.drift();
        if (first.outcome() instanceof PlanOutcome.Ready ready && ready.plan().isEmpty()) {
            out.println(nothingToDo(first));
            out.flush();
            return ExitCodes.SUCCESS;
        }
        DropletLedger ledger;
        try {
            ledger = rollout.ledger(state);
        } catch (LockException e) {
            err.println("fleet apply: cannot take the apply lock, nothing was changed: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        try (ledger) {
            String who = Owner.describe();
            String commit = state.revision().describe();
            Acquisition acquisition;
            Optional<String> process = LocalProcess.identity();
            try {
                acquisition = ledger.acquire(run, who, commit, LEASE, process, Optional.empty());
                if (acquisition instanceof Acquisition.Held held && held.holder().process().filter(LocalProcess::isGone)
                        .isPresent()) {
                    // The holder ran here and is gone (killed, crashed): waiting for its lease to lapse
                    // would only block this apply. Taken over only if it is still that run's lease.
                    acquisition = ledger.acquire(run, who, commit, LEASE, process, Optional.of(held.holder().run()));
                    if (acquisition instanceof Acquisition.Acquired) {
                        err.println("fleet apply: took over the lease of run " + held.holder().run() + " by "
                                + held.holder().owner() + ": its process on this machine is gone (it did not finish)");
                    }
                }
            } catch (LockException e) {
                err.println("fleet apply: cannot take the apply lock, nothing was changed: " + e.getMessage());
                return ExitCodes.COULD_NOT_RUN;
            }
            if (acquisition instanceof Acquisition.Held held) {
                Lease holder = held.holder();
                err.println("fleet apply: another apply holds the lock on " + ledger.where() + ": run " + holder.run()
                        + " by " + holder.owner() + " (state " + holder.commit() + "), since "
                        + Duration.between(holder.since(), held.now()).toSeconds() + "s ago, lease until "
                        + holder.expires() + ". Nothing was changed. Wait for it to finish; if it crashed, its lease"
                        + " lapses by itself, or fleet unlock breaks it now.");
                return ExitCodes.LOCKED;
            }
            Acquisition.Acquired acquired = (Acquisition.Acquired) acquisition;
            acquired.expired().filter(lapsed -> !lapsed.process().filter(LocalProcess::isGone).isPresent())
                    .ifPresent(lapsed -> err.println("fleet apply: took over the lapsed lease of run " + lapsed.run()
                            + " by " + lapsed.owner() + " (it did not finish)"));
            // Observe again under the lock, unless no other apply can have been at work since the first look.
            Duration observedAgo = Duration.ofNanos(System.nanoTime() - observedAt);
            Rollout.Planned planned = acquired.observationStillValid(observedAgo) ? first : rollout.plan(state, run);
            outcome.drift = planned.drift();
            try (Heartbeat heartbeat = new Heartbeat(ledger, run, err)) {
                return applyHolding(state, planned, ledger, run, who, commit, out, err, confirmation, listener, outcome,
                        heartbeat);
            } finally {
                try {
                    ledger.release(run);
                } catch (LockException e) {
                    err.println("fleet apply: could not release the lock (it lapses by itself in "
                            + LEASE.toSeconds() + "s): " + e.getMessage());
                }
            }
        }
    }

    /** How long a lease lasts without renewal: what a crashed apply blocks the next one for, at most. */
    static final Duration LEASE = Duration.ofSeconds(120);

    private int applyHolding(DesiredState state, Rollout.Planned planned, DropletLedger ledger, String run, String who,
            String commit, PrintWriter out, PrintWriter err, Confirmation confirmation, Listener listener, Run outcome,
            Heartbeat heartbeat) throws InterruptedException {
        Instant started = Instant.now();
        Plan plan;
        switch (planned.outcome()) {
            case PlanOutcome.Refused refused -> {
                err.println("fleet apply: refusing to start, nothing was changed:");
                refused.reasons().forEach(reason -> err.println("  - " + reason));
                record(ledger, new ApplyRecord(run, who, commit, started, Duration.between(started, Instant.now()),
                        "refused", List.of(), Optional.of(String.join("; ", refused.reasons()))), err);
                return ExitCodes.COULD_NOT_RUN;
            }
            case PlanOutcome.Ready ready -> plan = ready.plan();
        }
        if (plan.isEmpty()) {
            out.println(nothingToDo(planned));
            out.flush();
            return ExitCodes.SUCCESS;
        }
        out.print(PlanReport.render(plan, state));
        out.flush();
        outcome.plan = plan;
        if (!confirmation.confirmed(plan)) {
            out.println("Nothing was changed.");
            return ExitCodes.COULD_NOT_RUN;
        }
        out.println();
        listener.starting(planned.drift(), plan);
        ApplyResult result = rollout.executor(state, run, heartbeat, new Lines(out)).apply(plan);
        outcome.result = result;
        summarise(result, out);
        boolean changed = result.droplets().stream().anyMatch(d -> d.result() != DropletOutcome.Result.SKIPPED);
        record(ledger, History.record(run, who, commit, result), err);
        if (result.succeeded()) {
            return ExitCodes.SUCCESS;
        }
        err.println("fleet apply: " + FailureText.of(result).orElseThrow());
        return changed ? ExitCodes.ROLLOUT_FAILED : ExitCodes.COULD_NOT_RUN;
    }

    private static String nothingToDo(Rollout.Planned planned) {
        return "fleet apply: nothing to do, every droplet runs what the state says"
                + (planned.drift().clean() ? "." : " (but see fleet drift: " + planned.drift().summary() + ").");
    }

    private static void record(DropletLedger ledger, ApplyRecord record, PrintWriter err) {
        try {
            ledger.append(record);
        } catch (LockException e) {
            err.println("fleet apply: could not record this apply in the history: " + e.getMessage());
        }
    }

    private static void summarise(ApplyResult result, PrintWriter out) {
        out.println();
        out.println((result.succeeded() ? "Applied" : "Rollout stopped") + " in " + seconds(result.took()) + ":");
        for (DropletOutcome droplet : result.droplets()) {
            out.println(String.format("  %-16s %-11s %s -> %s%s", droplet.droplet(), droplet.result(),
                    droplet.fromDigest().map(ImageRef::shortForm).orElse("nothing"), ImageRef.shortForm(droplet.toDigest()),
                    droplet.steps().isEmpty() ? "" : ", " + seconds(droplet.steps().stream().map(StepRecord::took)
                            .reduce(Duration.ZERO, Duration::plus))));
            FailureText.of(droplet).ifPresent(f -> out.println("      " + f));
        }
        out.flush();
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }

    /** A line per finished step, with the time since the apply started. */
    private static final class Lines implements Progress {

        private final PrintWriter out;
        private final long started = System.nanoTime();
        private String lastDroplet = "";

        Lines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void started(Step step, String description) {
            if (!(step instanceof Step.PullImage) && !step.droplet().equals(lastDroplet)) {
                lastDroplet = step.droplet();
                out.println(String.format("%7s %s", elapsed(), step.droplet()));
                out.flush();
            }
        }

        @Override
        public synchronized void finished(StepRecord record) {
            String where = record.description().startsWith("pull ") ? " on " + record.droplet() : "";
            out.println(String.format("%7s   %-6s %s%s (%s)%s", elapsed(), record.succeeded() ? "ok" : "FAILED",
                    record.description(), where, seconds(record.took()),
                    record.failure().map(f -> "\n            " + f).orElse("")));
            out.flush();
        }

        private String elapsed() {
            return String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - started) / 1e9);
        }
    }
}
