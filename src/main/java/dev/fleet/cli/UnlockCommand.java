package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.infra.droplet.ledger.DropletLedger;
import dev.fleet.lock.Lease;
import dev.fleet.lock.LockException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet unlock}: breaks the fleet's apply lease, for an apply that crashed; the break is recorded. */
@Command(
        name = "unlock",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Break the fleet's apply lock, held by an apply that crashed or hangs. The break is recorded"
                + " in the history (fleet history). A lease also lapses by itself "
                + "2 minutes after its holder stops renewing it.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The lock is free now (it was broken, or nobody held it).",
            "1:Could not run: bad state file or usage, or the first droplet (where the lock lives) is unreachable.",
        })
public class UnlockCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--state", paramLabel = "FILE",
            description = "The desired-state file (default: $FLEET_STATE, else ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLEET_STATE:-fleet-state/fleet.yaml}")
    Path stateFile;

    private final StateLoader loader;
    private final Rollout rollout;

    UnlockCommand(StateLoader loader, Rollout rollout) {
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
        try (DropletLedger ledger = rollout.ledger(state)) {
            Optional<Lease> broken = ledger.breakLease(Owner.describe());
            out.println(broken.map(lease -> "fleet unlock: broke the lease of run " + lease.run() + " by " + lease.owner()
                    + " (state " + lease.commit() + ", taken " + lease.since() + "); the break is in fleet history")
                    .orElse("fleet unlock: nobody held the lock on " + ledger.where()));
            out.flush();
            return ExitCodes.SUCCESS;
        } catch (LockException e) {
            err.println("fleet unlock: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
    }
}
