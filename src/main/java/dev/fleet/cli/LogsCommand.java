package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.streams.ContainerStreams;
import dev.fleet.streams.LogQuery;
import dev.fleet.streams.LogSink;
import dev.fleet.streams.Targets;
import dev.fleet.streams.Targets.UnknownTarget;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fleet logs}: the service's container logs from every droplet at once, each line under its droplet's name. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Show the logs of the service's container on every droplet (or those of --droplet) at once, each"
                + " line prefixed with its droplet: the container's stdout on stdout, its stderr on stderr. With -f,"
                + " follow them until interrupted, across replaced containers and lost droplets.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Shown (with -f: until interrupted).",
            "1:Could not run: bad state file or usage, an unknown droplet or service.",
            "5:Some droplet could not be reached (the others' logs were shown).",
        })
public class LogsCommand extends StateCommand {

    private static final String[] COLOURS = {"cyan", "magenta", "yellow", "green", "blue", "red"};

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE",
            description = "The service (default: the state's only service).")
    Optional<String> service;

    @Option(names = "--droplet", paramLabel = "NAME", description = "Only this droplet; repeat for more (default: all).")
    List<String> droplets = List.of();

    @Option(names = "--since", paramLabel = "DURATION|TIME", converter = SinceConverter.class,
            description = "Only lines from this long ago (30s, 10m, 2h) or this time on (2026-12-07T16:00:00Z).")
    SinceConverter.Since since;

    @Option(names = "--tail", paramLabel = "N", description = "Only each container's last N lines, to start with.")
    Optional<Integer> tail;

    @Option(names = {"-f", "--follow"}, description = "Follow the logs until interrupted (Ctrl-C).")
    boolean follow;

    private final ContainerStreams streams;
    private final Terminal terminal;
    private final Clock clock;

    LogsCommand(StateLoader loader, ContainerStreams streams, Terminal terminal, Clock clock) {
        super(loader);
        this.streams = streams;
        this.terminal = terminal;
        this.clock = clock;
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) throws InterruptedException {
        ServiceSpec running;
        List<DropletSpec> from;
        try {
            running = Targets.service(state, service);
            from = Targets.droplets(state, droplets);
        } catch (UnknownTarget e) {
            err.println("fleet logs: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        Optional<Instant> start = since == null ? Optional.empty() : Optional.of(since.instant(clock));
        boolean every = streams.logs(state, from, running,
                new LogQuery(start, tail, follow), sink(from, out, err));
        return every ? ExitCodes.SUCCESS : ExitCodes.UNREACHABLE;
    }

    /** Prints each line whole, under its droplet's name padded to the longest, coloured on a terminal. */
    private LogSink sink(List<DropletSpec> from, PrintWriter out, PrintWriter err) {
        int width = from.stream().mapToInt(d -> d.name().length()).max().orElse(0);
        boolean colour = terminal.colourOnStdout();
        List<String> names = from.stream().map(DropletSpec::name).toList();
        return new LogSink() {
            @Override
            public synchronized void line(String droplet, boolean stderr, String text) {
                PrintWriter to = stderr ? err : out;
                to.println(prefix(droplet) + text);
                to.flush();
            }

            @Override
            public synchronized void note(String droplet, String message) {
                out.flush();
                err.println(droplet + ": " + message);
                err.flush();
            }

            private String prefix(String droplet) {
                String padded = String.format("%-" + width + "s | ", droplet);
                return colour ? Ansi.ON.string("@|" + COLOURS[names.indexOf(droplet) % COLOURS.length] + " " + padded
                        + "|@") : padded;
            }
        };
    }
}
