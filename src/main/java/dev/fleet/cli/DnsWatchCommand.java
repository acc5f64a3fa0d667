package dev.fleet.cli;

import dev.fleet.apply.Pause;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.desired.Durations;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.rollout.watch.DnsWatch;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.wiring.WatchEdges;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleet dns-watch}: DNS health failover for a round-robin name, until stopped. */
@Command(
        name = "dns-watch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Keep the A/AAAA records of the state's dns name in step with the droplets' health: every"
                + " dns.interval each droplet is checked at its public addresses (GET health.path on dns.check-port);"
                + " after dns.failures failed checks in a row its records are removed, after dns.successes passed"
                + " ones they come back. The last record of a droplet that passes is never removed; when every"
                + " droplet is down the records stay and an alert is sent. Each change is printed, appended to the"
                + " record file and posted to the webhook. The state file is read again each round.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Stopped by SIGTERM or Ctrl-C, or --rounds rounds done.",
            "1:Could not start: bad state file, no dns section, bad options.",
        })
public class DnsWatchCommand extends StateCommand {

    @Option(names = "--webhook", paramLabel = "URL", defaultValue = "${env:FLEET_WEBHOOK_URL}",
            description = "Post each change and alert as JSON to this URL (default: $FLEET_WEBHOOK_URL).")
    String webhook;

    @Option(names = "--allow-insecure-http",
            description = "Let --webhook be plain http to another machine (refused otherwise: a webhook's URL is"
                    + " often its secret).")
    boolean allowInsecureHttp;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Where each change and alert is appended, one line each (default: dns-changes.log in"
                    + " $STATE_DIRECTORY, as systemd sets it, else in ~/.local/state/fleet).")
    Path record;

    @Option(names = "--verbose", description = "Print what every round's checks found, not only changes and alerts.")
    boolean verbose;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "0",
            description = "Stop after N rounds (default: run until stopped).")
    int maxRounds;

    private final WatchEdges edges;
    private final Clock clock;

    DnsWatchCommand(StateLoader loader, WatchEdges edges, Clock clock) {
        super(loader);
        this.edges = edges;
        this.clock = clock;
    }

    @Override
    int run(DesiredState state, PrintWriter out, PrintWriter err) throws InterruptedException {
        if (state.dns().isEmpty()) {
            err.println("fleet dns-watch: " + stateFile.file + " has no dns section: add one naming the round-robin"
                    + " name and its provider (see fleet-state/example.yaml)");
            return ExitCodes.COULD_NOT_RUN;
        }
        if (maxRounds < 0) {
            err.println("fleet dns-watch: --rounds must be 0 (until stopped) or more, not " + maxRounds);
            return ExitCodes.COULD_NOT_RUN;
        }
        DnsWatch watch;
        Notifier notifier;
        Path recordFile = record != null ? record : StateHome.of(null).resolve("dns-changes.log");
        try {
            notifier = edges.notifier(webhook, allowInsecureHttp);
            watch = new DnsWatch(edges.dnsRounds(), notifier,
                    new DnsPrinter(Optional.of(recordFile), out, err, verbose));
        } catch (IllegalArgumentException e) {
            err.println("fleet dns-watch: " + e.getMessage());
            return ExitCodes.COULD_NOT_RUN;
        }
        DnsSpec dns = state.dns().get();
        out.println("fleet dns-watch: " + dns.name() + " at " + dns.provider().word() + " (" + dns.api() + "), "
                + state.droplets().size() + " droplets checked every " + Durations.setting(dns.interval())
                + ", out after " + dns.failures() + " failures, back after " + dns.successes()
                + " successes; recording in " + recordFile);
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("fleet dns-watch: stopped");
            out.flush();
        }, "fleet-dns-watch-stop"));
        watch.run(state, maxRounds, last -> reload(last, err), clock, Pause.SLEEP);
        notifier.drain(WatchCommand.DRAIN_WAIT);
        return ExitCodes.SUCCESS;
    }

    /** The state file as it is now; the last valid one if it is invalid now, or lost its dns section. */
    private DesiredState reload(DesiredState last, PrintWriter err) {
        try {
            DesiredState now = loader().load(stateFile.file);
            if (now.dns().isEmpty()) {
                err.println("fleet dns-watch: " + stateFile.file + " has no dns section any more; keeping the last one");
                return last;
            }
            return now;
        } catch (InvalidStateException e) {
            err.println("fleet dns-watch: the state file is invalid now, the last valid one stays in force:\n"
                    + e.getMessage());
            return last;
        }
    }
}
