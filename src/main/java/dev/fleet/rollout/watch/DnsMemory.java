package dev.fleet.rollout.watch;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.dns.DnsDecision;
import dev.fleet.dns.DnsRecord;
import dev.fleet.dns.DnsRounds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Remembers what the DNS rounds did, for the watch's page, and passes every round on to another
 * listener (the log). The rounds run on their own schedule; the page reads the latest at any time.
 */
public final class DnsMemory implements DnsWatch.Listener {

    /** Changes and alerts kept for the page. */
    public static final int TOLD = 10;

    private final DnsWatch.Listener next;
    private volatile Optional<DnsView.Round> last = Optional.empty();
    private volatile List<DnsView.Told> told = List.of();

    public DnsMemory(DnsWatch.Listener next) {
        this.next = next;
    }

    /** The DNS failover of {@code state}, when it has a dns section. */
    public Optional<DnsView> view(Optional<DesiredState> state) {
        Optional<DnsSpec> dns = state.flatMap(DesiredState::dns);
        return dns.map(spec -> new DnsView(DnsRecord.canonicalName(spec.name()), spec.provider().word(), spec.ttl(),
                spec.interval(), last, told));
    }

    @Override
    public void round(long number, DnsRounds.Report report) {
        List<DnsView.Check> checks = new ArrayList<>();
        for (int i = 0; i < report.checks().size(); i++) {
            checks.add(new DnsView.Check(report.checks().get(i).droplet(), report.checks().get(i).passed(),
                    i < report.details().size() ? report.details().get(i) : ""));
        }
        last = Optional.of(new DnsView.Round(number, report.at(), checks,
                report.publishedAfter().stream().map(DnsRecord::toString).toList(), report.failure()));
        next.round(number, report);
    }

    @Override
    public synchronized void told(DnsRounds.Report report, DnsDecision decision) {
        List<DnsView.Told> kept = new ArrayList<>(TOLD);
        kept.add(new DnsView.Told(report.at(), decision.kind(), decision.text()));
        kept.addAll(told.subList(0, Math.min(told.size(), TOLD - 1)));
        told = List.copyOf(kept);
        next.told(report, decision);
    }

    @Override
    public void failed(DnsRounds.Report report, String failure) {
        next.failed(report, failure);
    }
}
