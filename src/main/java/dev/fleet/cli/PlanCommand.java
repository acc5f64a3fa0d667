package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.report.PlanReport;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.Planned;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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
        })
public class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateOption stateFile;

    private final StateLoader loader;
    private final Convergence convergence;

    PlanCommand(StateLoader loader, Convergence convergence) {
        this.loader = loader;
        this.convergence = convergence;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<DesiredState> state = stateFile.load(loader, spec.commandLine().getErr());
        if (state.isEmpty()) {
            return ExitCodes.COULD_NOT_RUN;
        }
        Planned planned = convergence.plan(state.get());
        switch (planned.outcome()) {
            case PlanOutcome.Ready ready -> out.print(PlanReport.render(ready.plan(), state.get()));
            case PlanOutcome.Refused refused -> {
                out.print(PlanReport.render(refused.plan(), state.get()));
                out.println();
                out.println("fleet apply would refuse to start:");
                refused.reasons().forEach(reason -> out.println("  - " + reason));
            }
        }
        out.flush();
        return planned.nothingToDo() && planned.drift().clean() ? ExitCodes.SUCCESS : ExitCodes.DRIFT;
    }
}
