package dev.fleet.cli;

import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.apply.Progress;
import dev.fleet.apply.StepRecord;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.StateLoader;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.Step;
import dev.fleet.history.ApplyRecord;
import dev.fleet.infra.droplet.DropletLedger;
import dev.fleet.lock.Acquisition;
import dev.fleet.lock.Lease;
import dev.fleet.lock.LockException;
import dev.fleet.report.PlanReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet apply}: converge the fleet to the desired state, one droplet at a time. */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Make every droplet run what the desired state says, one droplet at a time, draining each"
                + " from the balancer first; a droplet whose new container fails gets its previous image back and"
                + " the rollout stops. Asks for confirmation on a terminal.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The fleet runs what the state says (also when there was nothing to do).",
            "1:Could not run, nothing changed: bad state file or usage, no --yes off a terminal, a droplet"
                    + " unreachable, the unavailability budget spent, an image that cannot be pulled.",
            "3:The rollout failed and stopped: a droplet was rolled back (or left out of rotation); the"
                    + " droplets after it were not touched.",
            "4:Another apply holds the fleet's lock (it is named); nothing was changed.",
        })
public class ApplyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--state", paramLabel = "FILE",
            description = "The desired-state file (default: $FLEET_STATE, else ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLEET_STATE:-fleet-state/fleet.yaml}")
    Path stateFile;

    @Option(names = "--yes", description = "Apply without asking; required when stdin is not a terminal.")
    boolean yes;

    private final StateLoader loader;
    private final Rollout rollout;

    ApplyCommand(StateLoader loader, Rollout rollout) {
        this.loader = loader;
        this.rollout = rollout;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean interactive = Terminal.isTerminal(0);
        if (!yes && !interactive) {
            err.println("fleet apply: stdin is not a terminal, so fleet cannot ask for confirmation: pass --yes");
            return ExitCodes.COULD_NOT_RUN;
        }
        DesiredState state;
        try {
            state = loader.load(stateFile);
        } catch (InvalidStateException e) {
            err.println(e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        // Read-only first: a converged fleet needs no lock, and is left without a single change.
        long observedAt = System.nanoTime();
        Rollout.Planned first = rollout.plan(state);
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
            String run = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
            String who = Owner.describe();
            String commit = state.revision().describe();
            Acquisition acquisition;
            try {
                acquisition = ledger.acquire(run, who, commit, LEASE);
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
            acquired.expired().ifPresent(lapsed -> err.println("fleet apply: took over the"
                    + " lapsed lease of run " + lapsed.run() + " by " + lapsed.owner() + " (it did not finish)"));
            // Observe again under the lock, unless no other apply can have been at work since the first look.
            Duration observedAgo = Duration.ofNanos(System.nanoTime() - observedAt);
            Rollout.Planned planned = acquired.observationStillValid(observedAgo) ? first : rollout.plan(state);
            try (Heartbeat heartbeat = new Heartbeat(ledger, run, err)) {
                return applyHolding(state, planned, ledger, run, who, commit, out, err);
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
            String commit, PrintWriter out, PrintWriter err) throws InterruptedException {
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
        if (!yes && !confirmed(out)) {
            out.println("Nothing was changed.");
            return ExitCodes.COULD_NOT_RUN;
        }
        out.println();
        ApplyResult result = rollout.executor(state, new Lines(out)).apply(plan);
        summarise(result, out);
        boolean changed = result.droplets().stream().anyMatch(d -> d.result() != DropletOutcome.Result.SKIPPED);
        record(ledger, History.record(run, who, commit, result), err);
        if (result.succeeded()) {
            return ExitCodes.SUCCESS;
        }
        err.println("fleet apply: " + result.failure().get());
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

    private static boolean confirmed(PrintWriter out) {
        out.print("\nApply this plan? Type yes to go on: ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes");
        } catch (IOException e) {
            return false;
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
            droplet.failure().ifPresent(f -> out.println("      " + f));
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
