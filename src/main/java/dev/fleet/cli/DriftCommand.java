package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.drift.DriftDetector;
import dev.fleet.drift.DriftReport;
import dev.fleet.observed.FleetObserver;
import dev.fleet.report.ReportFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet drift}: read-only; what runs on every droplet against what git says. */
@Command(
        name = "drift",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Report, per droplet, whether it runs the image digest the desired state names,"
                + " healthy and in the balancer's rotation. Changes nothing.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Every droplet in sync and healthy.",
            "1:Could not run (bad state file or usage); no droplet was contacted.",
            "2:Drift: a droplet runs another digest, is missing, stopped, unhealthy or unreachable,"
                    + " or an unmanaged container claims the service.",
        })
public class DriftCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--state", paramLabel = "FILE",
            description = "The desired-state file (default: $FLEET_STATE, else ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLEET_STATE:-fleet-state/fleet.yaml}")
    Path stateFile;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default; colour on a terminal), json, markdown or html.",
            converter = ReportFormatConverter.class)
    ReportFormat output;

    private final StateLoader loader;
    private final FleetObserver observer;
    private final Terminal terminal;

    DriftCommand(StateLoader loader, FleetObserver observer, Terminal terminal) {
        this.loader = loader;
        this.observer = observer;
        this.terminal = terminal;
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
        DriftReport report = DriftDetector.detect(state, observer.observe(state));
        out.print(output.render(report, output == ReportFormat.TABLE && terminal.colourOnStdout()));
        out.flush();
        return report.clean() ? ExitCodes.SUCCESS : ExitCodes.DRIFT;
    }
}
