package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.report.PlanReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Option(names = "--state", paramLabel = "FILE",
            description = "The desired-state file (default: $FLEET_STATE, else ${DEFAULT-VALUE}).",
            defaultValue = "${env:FLEET_STATE:-fleet-state/fleet.yaml}")
    Path stateFile;

    private final StateLoader loader;
    private final Rollout rollout;

    PlanCommand(StateLoader loader, Rollout rollout) {
        this.loader = loader;
        this.rollout = rollout;
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
        Rollout.Planned planned = rollout.plan(state);
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
        return planned.outcome() instanceof PlanOutcome.Ready ready && ready.plan().isEmpty() && planned.drift().clean()
                ? ExitCodes.SUCCESS : ExitCodes.DRIFT;
    }
}
