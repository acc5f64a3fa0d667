package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.lock.LockException;
import dev.fleet.rollout.Ledgers;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    StateOption stateFile;

    private final StateLoader loader;
    private final Ledgers ledgers;

    UnlockCommand(StateLoader loader, Ledgers ledgers) {
        this.loader = loader;
        this.ledgers = ledgers;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<DesiredState> state = stateFile.load(loader, err);
        if (state.isEmpty()) {
            return ExitCodes.COULD_NOT_RUN;
        }
        try {
            Ledgers.Unlocked unlocked = ledgers.unlock(state.get());
            out.println(unlocked.broken().map(lease -> "fleet unlock: broke the lease of run " + lease.run() + " by "
                    + lease.owner() + " (state " + lease.commit() + ", taken " + lease.since()
                    + "); the break is in fleet history")
                    .orElse("fleet unlock: nobody held the lock on " + unlocked.where()));
            out.flush();
            return ExitCodes.SUCCESS;
        } catch (LockException e) {
            err.println("fleet unlock: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
    }
}
