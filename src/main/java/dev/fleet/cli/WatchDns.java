package dev.fleet.cli;

import dev.fleet.rollout.watch.DnsMemory;
import dev.fleet.rollout.watch.DnsWatch;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.rollout.watch.WatchLoop;
import dev.fleet.rollout.watch.WatchStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code fleet watch}'s DNS health failover, when the state in force has a dns section: rounds of
 * their own at dns.interval, each change logged, recorded in {@code dns-changes.log} under the
 * workdir and remembered for the page.
 */
final class WatchDns {

    private final DnsWatch dns;
    private final DnsMemory memory;
    private final PrintWriter err;

    WatchDns(DnsWatch.Rounds rounds, Notifier notifier, Path home, PrintWriter out, PrintWriter err) {
        this.memory = new DnsMemory(new DnsPrinter(Optional.of(home.resolve("dns-changes.log")), out, err, false));
        this.dns = new DnsWatch(rounds, notifier, memory);
        this.err = err;
    }

    /** A round on the loop's state in force, when one is due; a failure is logged and the rounds go on. */
    void tick(WatchLoop loop, Clock clock) {
        loop.lastValid().ifPresent(state -> {
            try {
                dns.roundIfDue(state, clock);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                err.println("fleet watch: a DNS round failed: " + e);
                err.flush();
            }
        });
    }

    /** The loop's status, with the DNS failover as it is now. */
    WatchStatus status(WatchLoop loop) {
        return loop.status().withDns(memory.view(loop.lastValid()));
    }
}
