package dev.fleet.cli;

import dev.fleet.desired.load.Durations;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.infra.git.GitStateSource;
import dev.fleet.infra.web.StatusServer;
import dev.fleet.infra.web.WebhookNotifier;
import dev.fleet.observed.FleetObserver;
import dev.fleet.watch.LocalStateSource;
import dev.fleet.watch.Notifier;
import dev.fleet.watch.StateSource;
import io.quarkus.runtime.Quarkus;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code fleet watch}: the operator mode, a loop of rounds until stopped (SIGTERM or Ctrl-C). */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Keep watching the fleet against its desired state: each round fetches the state (a file,"
                + " or a git repository into fleet's own clone), observes every droplet and, with --apply,"
                + " converges the fleet as fleet apply does. Serves a live drift page, /drift.json, /healthz and"
                + " /metrics, and posts events to a webhook. Runs until stopped.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Stopped by SIGTERM or Ctrl-C (the process may report 143, 128 + SIGTERM, as the JVM does).",
            "1:Could not start: bad options, the listen address taken, an unreadable credentials file.",
        })
public class WatchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--state", paramLabel = "FILE", required = true,
                description = "A desired-state file on this machine, read again each round.")
        Path stateFile;

        @Option(names = "--repo", paramLabel = "URL", required = true,
                description = "A git repository holding the desired state (https, ssh, git, file URL or a path)."
                        + " HTTPS credentials: FLEET_GIT_TOKEN or FLEET_GIT_TOKEN_FILE, and FLEET_GIT_USERNAME.")
        String repo;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--branch", paramLabel = "NAME", defaultValue = "main",
            description = "With --repo: the branch whose latest commit is the desired state (default: ${DEFAULT-VALUE}).")
    String branch;

    @Option(names = "--path", paramLabel = "FILE", defaultValue = "fleet-state/fleet.yaml",
            description = "With --repo: the state file's path in the repository (default: ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--apply", description = "Converge the fleet each round (otherwise only report).")
    boolean apply;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Time between two rounds, such as 10s or 2m (default: ${DEFAULT-VALUE}). After problems the"
                    + " wait doubles each round, up to 16 intervals or 5 minutes.")
    Duration interval;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8089",
            description = "Where to serve the drift page, /drift.json, /healthz and /metrics (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--webhook", paramLabel = "URL", defaultValue = "${env:FLEET_WEBHOOK_URL}",
            description = "Post events (drift detected, rollout started, finished, failed, rolled back) as JSON to this"
                    + " URL (default: $FLEET_WEBHOOK_URL).")
    String webhook;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "Where fleet keeps its clone of --repo (default: $STATE_DIRECTORY, as systemd sets it, else"
                    + " ~/.local/state/fleet).")
    Path workdir;

    /** How long a stop waits for a round in progress (systemd's default stop timeout is 90 s). */
    static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final StateLoader loader;
    private final Convergence convergence;
    private final FleetObserver observer;
    private final DropletConnections connections;
    private final Scheduler scheduler;
    private final Clock clock;

    WatchCommand(StateLoader loader, Convergence convergence, FleetObserver observer, DropletConnections connections,
            Scheduler scheduler, Clock clock) {
        this.loader = loader;
        this.convergence = convergence;
        this.observer = observer;
        this.connections = connections;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StateSource stateSource;
        Notifier notifier = Notifier.NONE;
        InetSocketAddress address;
        try {
            stateSource = source.stateFile != null ? new LocalStateSource(source.stateFile.toAbsolutePath())
                    : new GitStateSource(source.repo, branch, path, home(), GitStateSource.credentialsFrom(System.getenv()),
                            Duration.ofSeconds(60));
            if (webhook != null && !webhook.isBlank()) {
                notifier = new WebhookNotifier(URI.create(webhook.strip()));
            }
            address = address(listen);
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet watch: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        WatchLoop loop = new WatchLoop(stateSource, loader, convergence, observer, connections, notifier, clock, apply,
                interval, out);
        try (StatusServer server = StatusServer.start(address, loop::status, clock)) {
            out.println("fleet watch: " + stateSource.describe() + ", every " + interval.toMillis() / 1000.0 + "s, "
                    + (apply ? "converging" : "reporting only") + "; serving http://" + server.address().getHostString()
                    + ":" + server.address().getPort() + "/");
            out.flush();
            // Ticks come every second at most; a round runs when one is due (interval or backoff).
            Duration tick = interval.compareTo(Duration.ofSeconds(1)) < 0 ? interval : Duration.ofSeconds(1);
            scheduler.newJob("fleet-watch-rounds")
                    .setInterval(tick.toMillis() + "ms")
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> loop.tick())
                    .schedule();
            // On SIGTERM the process ends once its shutdown hooks have run: this one lets a round in
            // progress finish (a rollout stopped half-way leaves a droplet drained), within a bound.
            Thread stopping = new Thread(() -> {
                boolean idle = true;
                try {
                    try {
                        scheduler.pause();
                    } catch (RuntimeException e) {
                        // Quarkus's own shutdown may have stopped the scheduler (and its container) first.
                    }
                    idle = loop.awaitIdle(STOP_WAIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    out.println("fleet watch: stopped" + (idle ? "" : " while a round still ran (it did not end within "
                            + STOP_WAIT.toSeconds() + "s)"));
                    out.flush();
                }
            }, "fleet-watch-stop");
            Runtime.getRuntime().addShutdownHook(stopping);
            // DNS health failover, when the state has a dns section: rounds of their own, at dns.interval.
            DnsWatch dns = new DnsWatch(clock, notifier, Optional.of(home().resolve("dns-changes.log")), out, err,
                    false);
            AtomicReference<Instant> nextDnsRound = new AtomicReference<>(Instant.MIN);
            scheduler.newJob("fleet-dns-rounds")
                    .setInterval("1s")
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> loop.lastValid().filter(s -> s.dns().isPresent()).ifPresent(state -> {
                        Instant now = clock.instant();
                        if (now.isBefore(nextDnsRound.get())) {
                            return;
                        }
                        nextDnsRound.set(now.plus(state.dns().get().interval()));
                        try {
                            dns.round(state);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                            err.println("fleet watch: a DNS round failed: " + e);
                            err.flush();
                        }
                    }))
                    .schedule();
            scheduler.resume();
            Quarkus.waitForExit();
            return ExitCodes.SUCCESS;
        } catch (IOException e) {
            err.println("fleet watch: cannot serve on " + listen + ": " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
    }

    private Path home() {
        return stateHome(workdir);
    }

    /** Where fleet keeps what it owns on this machine: {@code workdir}, else systemd's state directory, else ~/.local/state/fleet. */
    static Path stateHome(Path workdir) {
        if (workdir != null) {
            return workdir.toAbsolutePath();
        }
        String systemd = System.getenv("STATE_DIRECTORY");
        if (systemd != null && !systemd.isBlank()) {
            return Path.of(systemd.split(":")[0]);
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "fleet");
    }

    /** {@code 5s}, {@code 500ms}, {@code 2.5s}: a duration as the state file would write it. */
    static String seconds(Duration duration) {
        return dev.fleet.plan.StepText.seconds(duration);
    }

    private static InetSocketAddress address(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen takes HOST:PORT, such as 127.0.0.1:8089, not '" + listen + "'");
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen needs a port from 0 to 65535, not '" + listen + "'");
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} (the state file's form): at least 100ms. */
    static final class DurationConverter implements ITypeConverter<Duration> {

        @Override
        public Duration convert(String value) {
            Duration duration = Durations.read(value.strip()).orElseThrow(() -> new TypeConversionException("'" + value
                    + "' is not a duration: write a whole number and a unit, such as 500ms, 30s, 2m or 1h"));
            if (duration.compareTo(Duration.ofMillis(100)) < 0) {
                throw new TypeConversionException("'" + value + "' is too short: at least 100ms");
            }
            return duration;
        }
    }
}
