package dev.fleet.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.PrintWriter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/** Builds the picocli {@link CommandLine} that Quarkus runs, with fleet's usage-error handling. */
@Singleton
class CommandLineProducer {

    @Produces
    @Singleton
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setParameterExceptionHandler(CommandLineProducer::reportUsageError);
    }

    /**
     * Reports a usage error (an unknown option or command, a missing or malformed value) in a line
     * or two on stderr, rather than picocli's full usage, and exits with {@value
     * ExitCodes#COULD_NOT_RUN}. Picocli's default code for usage errors, 2, is reserved for
     * drift.
     */
    private static int reportUsageError(ParameterException error, String[] args) {
        CommandLine commandLine = error.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getColorScheme().errorText(error.getMessage()));
        UnmatchedArgumentException.printSuggestions(error, err);
        String command = commandLine.getCommandSpec().qualifiedName();
        err.printf("Try '%s --help' for more information.%n", command);
        return ExitCodes.COULD_NOT_RUN;
    }
}
