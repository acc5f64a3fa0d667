package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.history.ApplyRecord;
import dev.fleet.history.HistoryEntry;
import dev.fleet.infra.droplet.ledger.DropletLedger;
import dev.fleet.lock.LockException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet history}: the fleet's past applies and broken locks, newest last. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Show the fleet's past applies (who, which commit, each droplet's old and new digest, the"
                + " result, step timings with --steps) and broken locks, oldest first. Kept on the state's first"
                + " droplet, in ~/.fleet/SERVICE/history.jsonl.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Shown.",
            "1:Could not run: bad state file or usage, or the first droplet is unreachable.",
        })
public class HistoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--state", paramLabel = "FILE",
            description = "The desired-state file (default: $FLEET_STATE, else ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLEET_STATE:-fleet-state/fleet.yaml}")
    Path stateFile;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "The last N entries (default 20).")
    int limit;

    @Option(names = "--steps", description = "Each step of each droplet, with its duration.")
    boolean steps;

    private final StateLoader loader;
    private final Rollout rollout;

    HistoryCommand(StateLoader loader, Rollout rollout) {
        this.loader = loader;
        this.rollout = rollout;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DesiredState state;
        try {
            state = loader.load(stateFile);
        } catch (InvalidStateException e) {
            err.println(e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        List<HistoryEntry> entries;
        try (DropletLedger ledger = rollout.ledger(state)) {
            entries = ledger.recent(Math.clamp(limit, 1, 10_000));
        } catch (LockException e) {
            err.println("fleet history: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        if (entries.isEmpty()) {
            out.println("fleet history: no apply recorded yet for service " + state.service().name());
        }
        for (HistoryEntry entry : entries) {
            switch (entry) {
                case HistoryEntry.LeaseBroken broken -> out.println(broken.at() + "  lock broken by " + broken.by()
                        + " (lease: " + broken.lease() + ")");
                case HistoryEntry.Apply apply -> print(apply.record(), out);
            }
        }
        out.flush();
        return ExitCodes.SUCCESS;
    }

    private void print(ApplyRecord record, PrintWriter out) {
        out.println(record.started().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "  " + record.result() + "  run " + record.run() + " by " + record.who()
                + ", state " + record.commit() + ", " + Convergence.seconds(record.took()));
        record.failure().ifPresent(f -> out.println("    " + f));
        for (ApplyRecord.DropletRecord droplet : record.droplets()) {
            out.println(String.format("    %-16s %-11s %s -> %s", droplet.droplet(), droplet.result(),
                    droplet.fromDigest().isEmpty() ? "nothing" : ImageRef.shortForm(droplet.fromDigest()),
                    ImageRef.shortForm(droplet.toDigest())));
            if (steps) {
                droplet.steps().forEach(step -> out.println("        " + step));
            }
        }
    }
}
