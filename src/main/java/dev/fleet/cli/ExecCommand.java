package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.streams.ContainerStreams;
import dev.fleet.streams.ExecRequest;
import dev.fleet.streams.StreamException;
import dev.fleet.streams.Targets;
import dev.fleet.streams.Targets.UnknownTarget;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleet exec}: a command in the service's container on one droplet, as {@code docker exec} runs it. */
@Command(
        name = "exec",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Run a command in the service's running container on DROPLET, through the Docker API, and exit"
                + " with its exit code. Write the command after --, as in: fleet exec droplet-1 -it -- sh",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0-255:The command's own exit code.",
            "1:Could not run: bad state file or usage, an unknown droplet or service, or no running container"
                    + " (the command did not run).",
            "5:The droplet or its Docker engine could not be reached (or the connection broke while the command ran).",
        })
public class ExecCommand extends StateCommand {

    @Parameters(index = "0", paramLabel = "DROPLET", description = "The droplet, by its name in the state.")
    String droplet;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    List<String> command;

    @Option(names = "--service", paramLabel = "NAME",
            description = "The service whose container runs it (default: the state's only service).")
    Optional<String> service;

    @Option(names = {"-i", "--interactive"}, description = "Keep stdin open: copy fleet's stdin to the command.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Give the command a terminal (fleet's own goes raw meanwhile).")
    boolean tty;

    private final ContainerStreams streams;

    ExecCommand(StateLoader loader, ContainerStreams streams) {
        super(loader);
        this.streams = streams;
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) {
        DropletSpec onDroplet;
        ServiceSpec inService;
        try {
            onDroplet = Targets.droplet(state, droplet);
            inService = Targets.service(state, service);
        } catch (UnknownTarget e) {
            return refuse(err, e.getMessage());
        }
        out.flush();
        try {
            return streams.exec(state, onDroplet, inService, new ExecRequest(command, interactive, tty,
                    Terminal.isTerminal(0), System.in, System.out, System.err));
        } catch (StreamException e) {
            err.println("fleet exec: " + e.getMessage());
            err.flush();
            return e.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.COULD_NOT_RUN;
        }
    }

    private static int refuse(PrintWriter err, String message) {
        err.println("fleet exec: " + message);
        err.flush();
        return ExitCodes.COULD_NOT_RUN;
    }
}
