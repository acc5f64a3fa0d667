package dev.fleet.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code fleet} command: the top of the command line, under which every fleet command hangs.
 *
 * <p>Run without a command, {@code fleet} prints its usage to stderr and exits with {@value
 * ExitCodes#COULD_NOT_RUN}, as {@code git} does; only {@code fleet --help} prints it to stdout and
 * exits 0. A bare {@code fleet} asked for nothing and did nothing, so its exit code must not claim
 * success: a script running {@code fleet $command} with an empty variable would read 0 as a clean
 * run (and, once commands report drift, as "no drift"). Stdout stays reserved for what a command
 * was asked to print.
 */
@TopCommand
@Command(
        name = "fleet",
        mixinStandardHelpOptions = true,
        subcommands = {InitCommand.class, ValidateCommand.class, DriftCommand.class, PlanCommand.class,
            ApplyCommand.class, SetImageCommand.class, RollbackCommand.class, HistoryCommand.class, StatusCommand.class,
            LogsCommand.class, ExecCommand.class, UnlockCommand.class,
            WatchCommand.class, DnsWatchCommand.class, CompletionCommand.class},
        versionProvider = VersionProvider.class,
        descriptionHeading = "%n",
        description = "fleet keeps Docker containers on plain servers (droplets) at the image"
                + " digests a git-tracked desired state names: it reports drift and rolls changes"
                + " out one droplet at a time with zero downtime.",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success.",
            "1:Could not run (bad input or usage).",
            "2:Drift: the fleet is not what the desired state says (drift, plan).",
            "3:apply, rollback: the rollout failed and stopped after changing a droplet.",
            "4:apply, rollback: another apply holds the fleet's lock; nothing was changed.",
            "5:Some droplet could not be reached at all; the others were reported or converged (drift,"
                    + " plan, apply, status, logs, exec).",
        })
public class FleetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Held, so that the level set on it is not lost with a logger collected as garbage. */
    private static Logger debugLogger;

    /**
     * Every command takes it: fleet's own log at DEBUG on stderr (what it observes, each droplet's
     * connection, each step's timing). Never a secret: secrets are not logged at any level, and the
     * HTTP wire log that would carry container environments stays off.
     */
    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Log what fleet does, in detail, to stderr (never a secret).")
    void debug(boolean on) {
        if (on) {
            debugLogger = Logger.getLogger("dev.fleet");
            debugLogger.setLevel(Level.FINE);
        }
    }

    @Override
    public Integer call() {
        CommandLine commandLine = spec.commandLine();
        commandLine.usage(commandLine.getErr());
        return ExitCodes.COULD_NOT_RUN;
    }
}
