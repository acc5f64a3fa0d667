package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.drift.DropletDrift;
import dev.fleet.plan.PlanOptions;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.report.PlanJson;
import dev.fleet.report.PlanReport;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.Planned;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleet plan}: what {@code fleet apply} would do, step by step. Changes nothing. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Print the ordered steps that would make every droplet match the desired state, and"
                + " how long they should take. Changes nothing.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Nothing to change.",
            "1:Could not run (bad state file or usage); no droplet was contacted.",
            "2:Drift: the plan has steps (or is refused as unsafe, which it says).",
            "5:Some droplet could not be reached: it is named first, and the plan covers only the others.",
        })
public class PlanCommand extends StateCommand {

    @Option(names = "--with-accessories", description = "Plan as fleet apply --with-accessories would.")
    boolean withAccessories;

    @Option(names = "--prune", description = "Plan as fleet apply --prune would.")
    boolean prune;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json (schema fleet.plan/v1).", converter = TextOrJsonConverter.class)
    TextOrJson output;

    private final Convergence convergence;

    PlanCommand(StateLoader loader, Convergence convergence) {
        super(loader);
        this.convergence = convergence;
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) {
        Planned planned = convergence.plan(state, new PlanOptions(withAccessories, prune));
        int code = ExitCodes.unlessUnreachable(planned.drift(),
                planned.nothingToDo() && planned.drift().clean() ? ExitCodes.SUCCESS : ExitCodes.DRIFT);
        if (output == TextOrJson.JSON) {
            out.print(PlanJson.render(planned.outcome(), planned.drift(), state));
            out.flush();
            return code;
        }
        List<DropletDrift> unreached = planned.drift().unreachable();
        if (!unreached.isEmpty()) {
            boolean none = planned.drift().noneReached();
            out.println((none ? "No droplet could be reached, so there is nothing to plan:" : "Not reached, so not"
                    + " planned:"));
            unreached.forEach(droplet -> out.println("  " + droplet.droplet() + ": " + droplet.reason()));
            if (none) {
                out.flush();
                return ExitCodes.UNREACHABLE;
            }
            out.println();
        }
        switch (planned.outcome()) {
            case PlanOutcome.Ready ready -> out.print(PlanReport.render(ready.plan(), state));
            case PlanOutcome.Refused refused -> {
                out.print(PlanReport.render(refused.plan(), state));
                out.println();
                out.println("fleet apply would refuse to start:");
                refused.reasons().forEach(reason -> out.println("  - " + reason));
            }
        }
        out.flush();
        return code;
    }
}
