package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.report.HistoryJson;
import dev.fleet.report.HistoryReport;
import dev.fleet.rollout.Ledgers;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.LockException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleet history}: the fleet's past applies and broken locks, newest last. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Show the fleet's past applies (who, which commit, each droplet's old and new digest, the"
                + " result, step timings with --steps) and broken locks, oldest first. Kept on every droplet of the"
                + " state, in ~/.fleet/SERVICE/history.jsonl, and merged by run.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Shown.",
            "1:Could not run: bad state file or usage, or no droplet's history could be read.",
        })
public class HistoryCommand extends StateCommand {

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "The last N entries (default 20).")
    int limit;

    @Option(names = "--steps", description = "Each step of each droplet, with its duration.")
    boolean steps;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json (schema fleet.history/v1, steps included).", converter = TextOrJsonConverter.class)
    TextOrJson output;

    private final Ledgers ledgers;

    HistoryCommand(StateLoader loader, Ledgers ledgers) {
        super(loader);
        this.ledgers = ledgers;
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) {
        List<HistoryEntry> entries;
        try {
            entries = ledgers.history(state, limit);
        } catch (LockException e) {
            err.println("fleet history: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        out.print(output == TextOrJson.JSON ? HistoryJson.render(state.service().name(), entries)
                : HistoryReport.render(state.service().name(), entries, steps));
        out.flush();
        return ExitCodes.SUCCESS;
    }
}
