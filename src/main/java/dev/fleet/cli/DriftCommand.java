package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.drift.DriftReport;
import dev.fleet.report.ReportFormat;
import dev.fleet.rollout.Convergence;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
            "2:Drift: a droplet runs another digest, is missing, stopped or unhealthy, or an unmanaged"
                    + " container claims the service.",
            "5:Some droplet could not be reached (the others are reported); comes before 2.",
        })
public class DriftCommand extends StateCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default; colour on a terminal), json, markdown or html.",
            converter = ReportFormatConverter.class)
    ReportFormat output;

    private final Convergence convergence;
    private final Terminal terminal;

    DriftCommand(StateLoader loader, Convergence convergence, Terminal terminal) {
        super(loader);
        this.convergence = convergence;
        this.terminal = terminal;
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) {
        DriftReport report = convergence.drift(state);
        out.print(output.render(report, output == ReportFormat.TABLE && terminal.colourOnStdout()));
        out.flush();
        return ExitCodes.unlessUnreachable(report, report.clean() ? ExitCodes.SUCCESS : ExitCodes.DRIFT);
    }
}
