package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.report.StatusJson;
import dev.fleet.report.StatusReport;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.FleetStatus;
import dev.fleet.rollout.Ledgers;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.LockException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleet status} ({@code ps}): what runs on each droplet, since when, and the last apply that touched it. */
@Command(
        name = "status",
        aliases = "ps",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Show each droplet: its verdict, health and balancer state, the fleet's containers there (digest,"
                + " uptime, restarts, Docker's health) and the last apply that touched it. Changes nothing.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Shown: every droplet was reached (drift, if any, is shown, not an error: fleet drift checks).",
            "1:Could not run (bad state file or usage); no droplet was contacted.",
            "5:Some droplet could not be reached: it is shown as unreachable, the others in full.",
        })
public class StatusCommand extends StateCommand {

    /** As many applies as {@code fleet history} shows by default: enough to find each droplet's last. */
    static final int HISTORY_DEPTH = 20;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json (schema fleet.status/v1).", converter = TextOrJsonConverter.class)
    TextOrJson output;

    private final Convergence convergence;
    private final Ledgers ledgers;

    StatusCommand(StateLoader loader, Convergence convergence, Ledgers ledgers) {
        super(loader);
        this.convergence = convergence;
        this.ledgers = ledgers;
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) {
        List<HistoryEntry> history = List.of();
        Optional<String> problem = Optional.empty();
        try {
            history = ledgers.history(state, HISTORY_DEPTH);
        } catch (LockException e) {
            problem = Optional.of(e.getMessage());
        }
        FleetStatus status = convergence.status(state, history, problem);
        out.print(output == TextOrJson.JSON ? StatusJson.render(status) : StatusReport.render(status));
        out.flush();
        return ExitCodes.unlessUnreachable(status.drift(), ExitCodes.SUCCESS);
    }
}
