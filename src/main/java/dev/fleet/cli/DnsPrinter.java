package dev.fleet.cli;

import dev.fleet.dns.DnsDecision;
import dev.fleet.dns.DnsRounds;
import dev.fleet.rollout.watch.DnsWatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** DNS rounds for people: a line per change and alert, also appended to the record file. */
final class DnsPrinter implements DnsWatch.Listener {

    private final Optional<Path> record;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean verbose;

    /** @param verbose whether every round says what its checks found, not only what changed */
    DnsPrinter(Optional<Path> record, PrintWriter out, PrintWriter err, boolean verbose) {
        this.record = record;
        this.out = out;
        this.err = err;
        this.verbose = verbose;
    }

    @Override
    public void round(long number, DnsRounds.Report report) {
        if (verbose) {
            StringBuilder line = new StringBuilder("fleet dns-watch: round " + number + " at " + report.at() + ":");
            for (int i = 0; i < report.checks().size(); i++) {
                var check = report.checks().get(i);
                line.append(i == 0 ? " " : ", ").append(check.droplet())
                        .append(check.passed() ? " passed" : " failed (" + report.details().get(i) + ")");
            }
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void told(DnsRounds.Report report, DnsDecision decision) {
        String line = report.at() + " " + decision.kind() + " " + decision.text();
        out.println("fleet dns-watch: " + line);
        out.flush();
        append(line);
    }

    @Override
    public void failed(DnsRounds.Report report, String failure) {
        err.println("fleet dns-watch: " + failure);
        err.flush();
        append(report.at() + " dns_failed " + failure);
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
