package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.dns.DnsDecision;
import dev.fleet.dns.DnsFailover;
import dev.fleet.dns.DnsRounds;
import dev.fleet.infra.dns.DnsProviders;
import dev.fleet.infra.dns.HttpHealthCheck;
import dev.fleet.watch.Notifier;
import dev.fleet.watch.WatchEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * DNS health failover for {@code fleet dns-watch} and {@code fleet watch}: runs a round on the
 * state in force, then records each change and alert (a line on the output, a line appended to the
 * record file) and sends it to the notifier. The failover's memory (each droplet's run of checks)
 * lasts as long as the state's dns section does not change.
 */
final class DnsWatch {

    private final Clock clock;
    private final Notifier notifier;
    private final Optional<Path> record;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean verbose;
    private long roundNumber;
    private DnsRounds rounds;
    private List<Object> roundsFor = List.of();

    /** @param verbose whether every round says what its checks found, not only what changed */
    DnsWatch(Clock clock, Notifier notifier, Optional<Path> record, PrintWriter out, PrintWriter err, boolean verbose) {
        this.verbose = verbose;
        this.clock = clock;
        this.notifier = notifier;
        this.record = record;
        this.out = out;
        this.err = err;
    }

    /** One round on {@code state}'s dns section (which it must have); never throws but for an interrupt. */
    synchronized DnsRounds.Report round(DesiredState state) throws InterruptedException {
        DnsSpec dns = state.dns().orElseThrow(() -> new IllegalArgumentException("the state has no dns section"));
        List<Object> key = List.of(dns.provider(), dns.name(), dns.api(), dns.zone(), dns.ttl(), dns.failures(),
                dns.successes(), dns.checkPort(), state.health().path(), state.health().expectStatus(),
                state.health().timeout(), dns.token().reveal().hashCode());
        if (rounds == null || !Objects.equals(key, roundsFor)) {
            rounds = new DnsRounds(new DnsFailover(dns.name(), (int) dns.ttl().toSeconds(), dns.failures(),
                    dns.successes()), DnsProviders.of(dns), new HttpHealthCheck(dns.checkPort(), state.health().path(),
                    state.health().expectStatus(), state.health().timeout()), clock);
            roundsFor = key;
        }
        List<DnsRounds.Target> targets = state.droplets().stream()
                .map(d -> new DnsRounds.Target(d.name(), d.addresses())).toList();
        DnsRounds.Report report = rounds.round(targets);
        roundNumber++;
        if (verbose) {
            StringBuilder line = new StringBuilder("fleet dns-watch: round " + roundNumber + " at " + report.at() + ":");
            for (int i = 0; i < report.checks().size(); i++) {
                var check = report.checks().get(i);
                line.append(i == 0 ? " " : ", ").append(check.droplet())
                        .append(check.passed() ? " passed" : " failed (" + report.details().get(i) + ")");
            }
            out.println(line);
        }
        for (DnsDecision decision : report.told()) {
            String line = report.at() + " " + decision.kind() + " " + decision.text();
            out.println("fleet dns-watch: " + line);
            append(line);
            notifier.notify(new WatchEvent.Dns(state.service().name(), state.revision().describe(), report.at(),
                    decision.kind(), dev.fleet.dns.DnsRecord.canonicalName(dns.name()), decision.text()));
        }
        report.failure().ifPresent(failure -> {
            err.println("fleet dns-watch: " + failure);
            append(report.at() + " dns_failed " + failure);
        });
        out.flush();
        err.flush();
        return report;
    }

    private void append(String line) {
        if (record.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(record.get().toAbsolutePath().getParent());
            Files.writeString(record.get(), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            err.println("fleet dns-watch: cannot record in " + record.get() + ": " + e.getMessage());
        }
    }


}
