package dev.fleet.cli;

import dev.fleet.desired.Durations;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.Ledgers;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.rollout.watch.Published;
import dev.fleet.rollout.watch.StateSource;
import dev.fleet.rollout.watch.WatchLoop;
import dev.fleet.wiring.WatchEdges;
import io.quarkus.runtime.Quarkus;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    WatchOptions options;

    /** How long a stop waits for a round in progress (systemd's default stop timeout is 90 s). */
    static final Duration STOP_WAIT = Duration.ofSeconds(60);
    /** How long a stop then waits for the webhook to be told the last events (one post's timeout). */
    static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

    private final StateLoader loader;
    private final Convergence convergence;
    private final Ledgers ledgers;
    private final WatchEdges edges;
    private final Scheduler scheduler;
    private final Clock clock;

    WatchCommand(StateLoader loader, Convergence convergence, Ledgers ledgers, WatchEdges edges, Scheduler scheduler,
            Clock clock) {
        this.loader = loader;
        this.convergence = convergence;
        this.ledgers = ledgers;
        this.edges = edges;
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
        List<String> allowedHosts;
        try {
            WatchOptions.Source source = options.source(System.getenv());
            stateSource = source.stateFile != null ? edges.file(source.stateFile)
                    : edges.repository(source.repo, options.branch, options.path, StateHome.of(options.workdir),
                            options.allowInsecureHttp);
            notifier = edges.notifier(options.webhook, options.allowInsecureHttp);
            address = StateHome.address(options.listen);
            allowedHosts = StateHome.allowedHosts(options.allowedHosts);
        } catch (IOException | IllegalArgumentException e) {
            err.println("fleet watch: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        WatchLoop loop = new WatchLoop(stateSource, loader, convergence, ledgers::history, edges.afterRound(), notifier,
                clock, options.apply, options.interval, new WatchPrinter(out));
        // DNS health failover, when the state has a dns section: rounds of their own, at dns.interval.
        WatchDns dns = new WatchDns(edges.dnsRounds(), notifier, StateHome.of(options.workdir), out, err);
        try (Published server = edges.serve(address, allowedHosts, () -> dns.status(loop))) {
            out.println("fleet watch: " + stateSource.describe() + ", every " + Durations.setting(options.interval) + ", "
                    + (options.apply ? "converging" : "reporting only") + "; serving http://" + server.address().getHostString()
                    + ":" + server.address().getPort() + "/");
            out.flush();
            // Ticks come every second at most; a round runs when one is due (interval or backoff).
            Duration tick = options.interval.compareTo(Duration.ofSeconds(1)) < 0 ? options.interval : Duration.ofSeconds(1);
            schedule("fleet-watch-rounds", tick, loop::tick);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(loop, notifier, out), "fleet-watch-stop"));
            schedule("fleet-dns-rounds", Duration.ofSeconds(1), () -> dns.tick(loop, clock));
            scheduler.resume();
            Quarkus.waitForExit();
            return ExitCodes.SUCCESS;
        } catch (IOException e) {
            err.println("fleet watch: cannot serve on " + options.listen + ": " + e.getMessage());
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
    private void stop(WatchLoop loop, Notifier notifier, PrintWriter out) {
        boolean idle = true;
        try {
            try {
                scheduler.pause();
            } catch (RuntimeException e) {
                // Quarkus's own shutdown may have stopped the scheduler (and its container) first.
            }
            idle = loop.awaitIdle(STOP_WAIT);
            notifier.drain(DRAIN_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            out.println("fleet watch: stopped" + (idle ? "" : " while a round still ran (it did not end within "
                    + STOP_WAIT.toSeconds() + "s)"));
            out.flush();
        }
    }
}
