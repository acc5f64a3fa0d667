package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.plan.PlanOptions;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.wiring.WatchEdges;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleet apply}: converge the fleet to the desired state, one droplet at a time. */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Make every droplet run what the desired state says, one droplet at a time, draining each"
                + " from the balancer first; a droplet whose new container fails gets its previous image back and"
                + " the rollout stops. Asks for confirmation on a terminal.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The fleet runs what the state says (also when there was nothing to do).",
            "1:Could not run, nothing changed: bad state file or usage, no --yes off a terminal, the"
                    + " unavailability budget spent, an image that cannot be pulled, the lock not takeable.",
            "3:The rollout failed and stopped: a droplet was rolled back (or left out of rotation); the"
                    + " droplets after it were not touched.",
            "4:Another apply holds the fleet's lock (it is named); nothing was changed.",
            "5:Some droplet could not be reached and was left as it was: every droplet reached runs what"
                    + " the state says, or apply refused to start (unreachable droplets count as down).",
        })
public class ApplyCommand extends StateCommand {

    @Option(names = {"-y", "--yes"}, description = "Apply without asking; required when stdin is not a terminal.")
    boolean yes;

    @Option(names = "--with-accessories", description = "Replace accessories (databases...) whose image or"
            + " settings changed in this apply even while apps roll; by default they wait for an apply in which"
            + " no app changes.")
    boolean withAccessories;

    @Option(names = "--prune", description = "Remove this fleet's containers of services the state no longer runs"
            + " on a droplet (fleet drift lists them as UNMANAGED leftovers); never without it.")
    boolean prune;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", converter = ApplyOutput.Converter.class,
            description = "text (default); json: the result as one document (schema fleet.apply/v1) at the end, the"
                    + " plan and progress in words on stderr; json-lines: each step as a JSON line (fleet.apply.event/v1)"
                    + " as it happens, the result last.")
    ApplyOutput output;

    @Mixin
    WebhookOption webhook;

    private final Convergence convergence;
    private final WatchEdges edges;
    private final Clock clock;

    ApplyCommand(StateLoader loader, Convergence convergence, WatchEdges edges, Clock clock) {
        super(loader);
        this.convergence = convergence;
        this.edges = edges;
        this.clock = clock;
    }

    @Override
    Optional<Integer> refusal(PrintWriter err) {
        if (!yes && !Terminal.isTerminal(0)) {
            err.println("fleet apply: stdin is not a terminal, so fleet cannot ask for confirmation: pass --yes");
            return Optional.of(ExitCodes.COULD_NOT_RUN);
        }
        return Optional.empty();
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) throws InterruptedException {
        Optional<Notifier> notifier = webhook.notifier(edges, "apply", err);
        if (notifier.isEmpty()) {
            return ExitCodes.COULD_NOT_RUN;
        }
        PrintWriter words = output == ApplyOutput.TEXT ? out : err;
        Convergence.Confirmation confirmation = yes ? Convergence.Confirmation.ALWAYS : plan -> confirmed(words);
        return Applying.converge(convergence, notifier.get(), clock, state, confirmation,
                new PlanOptions(withAccessories, prune), output, out, err);
    }

    /** Asks on the terminal; true only for "yes". */
    static boolean confirmed(PrintWriter out) {
        out.print("\nApply this plan? Type yes to go on: ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes");
        } catch (IOException e) {
            return false;
        }
    }
}
