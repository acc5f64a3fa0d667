package dev.fleet.rollout.watch;

import dev.fleet.apply.Pause;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.dns.DnsDecision;
import dev.fleet.dns.DnsRecord;
import dev.fleet.dns.DnsRounds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * DNS health failover for {@code fleet dns-watch} and {@code fleet watch}: runs a round on the
 * state in force, tells its listener what the checks found and what changed, and sends each change
 * and alert to the notifier. The failover's memory (each droplet's run of checks) lasts as long as
 * the state's dns section does not change.
 */
public final class DnsWatch {

    /** Starts the rounds for a state's dns section: its provider, its health checks, its hysteresis. */
    @FunctionalInterface
    public interface Rounds {
        DnsRounds start(DesiredState state);
    }

    /** Told what each round did. */
    public interface Listener {

        /** A round ended; {@code number} counts from 1. */
        void round(long number, DnsRounds.Report report);

        /** A change or an alert, as the record file keeps it. */
        void told(DnsRounds.Report report, DnsDecision decision);

        /** The round could not change what it decided to. */
        void failed(DnsRounds.Report report, String failure);
    }

    private final Rounds start;
    private final Notifier notifier;
    private final Listener listener;
    private long roundNumber;
    private Instant nextRound = Instant.MIN;
    private DnsRounds rounds;
    private List<Object> roundsFor = List.of();

    public DnsWatch(Rounds start, Notifier notifier, Listener listener) {
        this.start = start;
        this.notifier = notifier;
        this.listener = listener;
    }

    /** One round on {@code state}'s dns section (which it must have); never throws but for an interrupt. */
    public synchronized DnsRounds.Report round(DesiredState state) throws InterruptedException {
        DnsSpec dns = state.dns().orElseThrow(() -> new IllegalArgumentException("the state has no dns section"));
        List<Object> key = List.of(dns.provider(), dns.name(), dns.api(), dns.zone(), dns.ttl(), dns.failures(),
                dns.successes(), dns.checkPort(), state.health().path(), state.health().expectStatus(),
                state.health().timeout(), dns.token().reveal().hashCode());
        if (rounds == null || !Objects.equals(key, roundsFor)) {
            rounds = start.start(state);
            roundsFor = key;
        }
        List<DnsRounds.Target> targets = state.droplets().stream()
                .map(d -> new DnsRounds.Target(d.name(), d.addresses())).toList();
        DnsRounds.Report report = rounds.round(targets);
        roundNumber++;
        listener.round(roundNumber, report);
        for (DnsDecision decision : report.told()) {
            listener.told(report, decision);
            notifier.notify(new WatchEvent.Dns(state.service().name(), state.revision().describe(), report.at(),
                    decision.kind(), DnsRecord.canonicalName(dns.name()), decision.text()));
        }
        report.failure().ifPresent(failure -> listener.failed(report, failure));
        return report;
    }

    /**
     * A round on {@code state} if its dns section's interval has passed since the last one (for a
     * scheduler that ticks often); nothing for a state without a dns section.
     */
    public void roundIfDue(DesiredState state, Clock clock) throws InterruptedException {
        if (state.dns().isEmpty() || clock.instant().isBefore(nextRound)) {
            return;
        }
        nextRound = clock.instant().plus(state.dns().get().interval());
        round(state);
    }

    /** The state in force for the next round: the file as it is now, or the last valid one. */
    @FunctionalInterface
    public interface Reload {
        DesiredState reload(DesiredState last);
    }

    /**
     * Rounds at the dns section's interval, the state reloaded before each round after the first:
     * {@code rounds} of them, or until interrupted when {@code rounds} is 0.
     */
    public void run(DesiredState first, int rounds, Reload reload, Clock clock, Pause pause)
            throws InterruptedException {
        DesiredState state = first;
        for (int round = 1; rounds == 0 || round <= rounds; round++) {
            Instant started = clock.instant();
            round(state);
            if (rounds != 0 && round == rounds) {
                return;
            }
            Duration left = state.dns().orElseThrow().interval().minus(Duration.between(started, clock.instant()));
            if (left.isPositive()) {
                pause.pause(left);
            }
            state = reload.reload(state);
        }
    }
}
