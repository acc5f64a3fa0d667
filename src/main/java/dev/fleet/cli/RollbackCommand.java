package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.desired.pin.SetImage;
import dev.fleet.plan.PlanOptions;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.Rollback;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.wiring.WatchEdges;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleet rollback}: the images of an earlier, converged revision, back as a new commit. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Write the image digests of an earlier revision of the state back into the state file, as a new"
                    + " commit (never a history rewrite). Without --to: the newest commit whose apply converged"
                    + " (from fleet history) and whose images differ from the state's now. Only image lines"
                    + " change. Prints the apply to run, or runs it with --apply.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Rolled back and committed (and, with --apply, the fleet runs it).",
            "1:Nothing changed: bad state file or usage, uncommitted changes in it, no such revision, no converged"
                    + " revision to return to, or the history unreadable. With --apply, apply's own codes follow"
                    + " the commit (3, 4, 5: see fleet apply --help).",
        })
public class RollbackCommand extends StateCommand {

    @Option(names = "--to", paramLabel = "REVISION",
            description = "The revision to return to: a commit of the state's repository, a tag, HEAD~N.")
    String to;

    @Option(names = "--apply", description = "Apply the rolled-back state right after the commit.")
    boolean apply;

    @Option(names = {"-y", "--yes"}, description = "With --apply: apply without asking; required when stdin is not a terminal.")
    boolean yes;

    @Mixin
    WebhookOption webhook;

    private final Rollback rollback;
    private final Convergence convergence;
    private final WatchEdges edges;
    private final Clock clock;

    RollbackCommand(StateLoader loader, Rollback rollback, Convergence convergence, WatchEdges edges, Clock clock) {
        super(loader);
        this.rollback = rollback;
        this.convergence = convergence;
        this.edges = edges;
        this.clock = clock;
    }

    @Override
    Optional<Integer> refusal(PrintWriter err) {
        if (apply && !yes && !Terminal.isTerminal(0)) {
            err.println("fleet rollback: --apply off a terminal cannot ask for confirmation: pass --yes too");
            return Optional.of(ExitCodes.COULD_NOT_RUN);
        }
        return Optional.empty();
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) throws InterruptedException {
        Optional<Notifier> notifier = apply ? webhook.notifier(edges, "rollback", err) : Optional.of(Notifier.NONE);
        if (notifier.isEmpty()) {
            return ExitCodes.COULD_NOT_RUN;
        }
        Rollback.Done done;
        try {
            done = rollback.run(state, Optional.ofNullable(to));
        } catch (Rollback.Refused e) {
            err.println("fleet rollback: " + e.getMessage() + (e.hint() == null ? "" : "\n  hint: " + e.hint()));
            err.flush();
            return ExitCodes.COULD_NOT_RUN;
        }
        out.println("fleet rollback: back to " + done.target().substring(0, 12) + " (\"" + done.subject() + "\")"
                + done.converged().map(run -> ", the last commit whose apply converged (run " + run + ")").orElse(""));
        done.changes().forEach(c -> out.println("  " + c.where() + "  " + SetImage.shortDigest(c.from()) + " -> "
                + SetImage.shortDigest(c.to()) + "  (" + c.to() + ")"));
        out.println("committed " + done.commit());
        if (!apply) {
            out.println("next: fleet apply --state " + stateFile.file);
            out.flush();
            return ExitCodes.SUCCESS;
        }
        out.flush();
        try {
            DesiredState rolledBack = loader().load(stateFile.file);
            Convergence.Confirmation confirmation = yes ? Convergence.Confirmation.ALWAYS : plan -> ApplyCommand.confirmed(out);
            return Applying.converge(convergence, notifier.get(), clock, rolledBack, confirmation, PlanOptions.DEFAULT,
                    ApplyOutput.TEXT, out, err);
        } catch (InvalidStateException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.COULD_NOT_RUN;
        }
    }
}
