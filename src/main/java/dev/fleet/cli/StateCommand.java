package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that reads the state file of {@code --state} first: a broken one ends it with exit code 1. */
abstract class StateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateOption stateFile;

    private final StateLoader loader;

    StateCommand(StateLoader loader) {
        this.loader = loader;
    }

    StateLoader loader() {
        return loader;
    }

    /** What the command does with a valid state; returns its exit code. */
    abstract int run(DesiredState state, PrintWriter out, PrintWriter err) throws InterruptedException;

    /** A refusal before the state is read (bad usage), as its exit code; empty to go on. */
    Optional<Integer> refusal(PrintWriter err) {
        return Optional.empty();
    }

    @Override
    public final Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Integer> refused = refusal(err);
        if (refused.isPresent()) {
            return refused.get();
        }
        Optional<DesiredState> state = stateFile.load(loader, err);
        if (state.isEmpty()) {
            return ExitCodes.COULD_NOT_RUN;
        }
        return run(state.get(), out, err);
    }
}
