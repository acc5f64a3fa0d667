package dev.fleet.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/** Builds the picocli {@link CommandLine} that Quarkus runs, with fleet's usage-error handling. */
@Singleton
class CommandLineProducer {

    @Produces
    @Singleton
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return factory.create().setParameterExceptionHandler(CommandLineProducer::reportUsageError)
                .setOut(printable(System.out))
                .setErr(printable(System.err));
    }

    /** Every line fleet prints goes through {@link PrintableWriter}: no foreign control character reaches a terminal. */
    private static PrintWriter printable(PrintStream stream) {
        return new PrintWriter(new PrintableWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8)), true);
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
