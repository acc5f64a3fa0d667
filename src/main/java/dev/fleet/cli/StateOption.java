package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --state} option every command that reads a state file shares, and loading it. */
final class StateOption {

    @Option(names = {"-s", "--state"}, paramLabel = "FILE",
            description = "The desired-state file (default: $FLEET_STATE, else ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLEET_STATE:-fleet-state/fleet.yaml}")
    Path file;

    /** The state, or empty once its problems are printed on {@code err}. */
    Optional<DesiredState> load(StateLoader loader, PrintWriter err) {
        try {
            return Optional.of(loader.load(file));
        } catch (InvalidStateException e) {
            err.println(e.getMessage());
            err.flush();
            return Optional.empty();
        }
    }
}
