package dev.fleet.cli;

import dev.fleet.desired.StateLoader;
import dev.fleet.infra.dns.DnsFailoverRounds;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.infra.git.GitStateSource;
import dev.fleet.infra.web.StatusServer;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.watch.DnsWatch;
import dev.fleet.rollout.watch.LocalStateSource;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.rollout.watch.StateSource;
import dev.fleet.rollout.watch.WatchLoop;
import io.quarkus.runtime.Quarkus;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
    private final DropletConnections connections;
    private final Scheduler scheduler;
    private final Clock clock;

    WatchCommand(StateLoader loader, Convergence convergence, DropletConnections connections, Scheduler scheduler,
            Clock clock) {
        this.loader = loader;
        this.convergence = convergence;
        this.connections = connections;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StateSource stateSource;
        Notifier notifier;
        InetSocketAddress address;
        try {
            stateSource = source.stateFile != null ? new LocalStateSource(source.stateFile.toAbsolutePath())
                    : new GitStateSource(source.repo, branch, path, StateHome.of(workdir),
                            GitStateSource.credentialsFrom(System.getenv()), Duration.ofSeconds(60));
            notifier = StateHome.notifier(webhook);
            address = StateHome.address(listen);
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet watch: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        WatchLoop loop = new WatchLoop(stateSource, loader, convergence, connections::close, notifier, clock, apply,
                interval, new WatchPrinter(out));
        try (StatusServer server = StatusServer.start(address, loop::status, clock)) {
            out.println("fleet watch: " + stateSource.describe() + ", every " + interval.toMillis() / 1000.0 + "s, "
                    + (apply ? "converging" : "reporting only") + "; serving http://" + server.address().getHostString()
                    + ":" + server.address().getPort() + "/");
            out.flush();
            // Ticks come every second at most; a round runs when one is due (interval or backoff).
            Duration tick = interval.compareTo(Duration.ofSeconds(1)) < 0 ? interval : Duration.ofSeconds(1);
            schedule("fleet-watch-rounds", tick, loop::tick);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(loop, out), "fleet-watch-stop"));
            // DNS health failover, when the state has a dns section: rounds of their own, at dns.interval.
            DnsWatch dns = new DnsWatch(state -> DnsFailoverRounds.start(state, clock), notifier,
                    new DnsPrinter(Optional.of(StateHome.of(workdir).resolve("dns-changes.log")), out, err, false));
            schedule("fleet-dns-rounds", Duration.ofSeconds(1), () -> loop.lastValid().ifPresent(state -> {
                try {
                    dns.roundIfDue(state, clock);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    err.println("fleet watch: a DNS round failed: " + e);
                    err.flush();
                }
            }));
            scheduler.resume();
            Quarkus.waitForExit();
            return ExitCodes.SUCCESS;
        } catch (IOException e) {
            err.println("fleet watch: cannot serve on " + listen + ": " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
    }

    private void schedule(String name, Duration every, Runnable task) {
        scheduler.newJob(name).setInterval(every.toMillis() + "ms")
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP).setTask(execution -> task.run()).schedule();
    }

    /**
     * On SIGTERM the process ends once its shutdown hooks have run: this one lets a round in progress
     * finish (a rollout stopped half-way leaves a droplet drained), within a bound.
     */
    private void stop(WatchLoop loop, PrintWriter out) {
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
    }
}
