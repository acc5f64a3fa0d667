package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.rollout.Ledgers;
import dev.fleet.rollout.ledger.BrokenLease;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.LockException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

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
            "1:Could not run: bad state file or usage, or no droplet (each keeps a copy of the lock) let its lease"
                    + " be broken.",
        })
public class UnlockCommand extends StateCommand {

    private final Ledgers ledgers;

    UnlockCommand(StateLoader loader, Ledgers ledgers) {
        super(loader);
        this.ledgers = ledgers;
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) {
        try {
            Ledgers.Unlocked unlocked = ledgers.unlock(state);
            out.println(unlocked.broken().map(broken -> switch (broken) {
                case BrokenLease.Held(Lease lease) -> "fleet unlock: broke the lease of run " + lease.run() + " by "
                        + lease.owner() + " (state " + lease.commit() + ", taken " + lease.since()
                        + "); the break is in fleet history";
                case BrokenLease.Unreadable(String problem) -> "fleet unlock: broke the lease on " + unlocked.where()
                        + ", which fleet could not read (" + problem + "); the break is in fleet history";
            }).orElse("fleet unlock: nobody held the lock on " + unlocked.where()));
            out.flush();
            return ExitCodes.SUCCESS;
        } catch (LockException e) {
            err.println("fleet unlock: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
    }
}
