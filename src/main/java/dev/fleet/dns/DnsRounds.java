package dev.fleet.dns;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One round of DNS health failover, start to end: checks every droplet (in parallel), reads what
 * DNS publishes, lets {@link DnsFailover} decide, and makes the changes in order, stopping at the
 * first that fails (the next round decides again from what DNS then says). The state between rounds
 * is kept here; the caller decides when rounds run.
 */
public final class DnsRounds {

    /** One droplet behind the name: its name and its public addresses. */
    public record Target(String droplet, List<String> addresses) {
        public Target {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * What a round did.
     *
     * @param checks    each droplet's check
     * @param details   what each check saw, in the order of {@code checks}
     * @param decisions everything decided, changes and things to tell
     * @param made      the changes made (a prefix of the changes decided)
     * @param failure   why a change, or reading DNS, failed
     */
    public record Report(Instant at, List<DropletCheck> checks, List<String> details, List<DnsDecision> decisions,
            List<DnsDecision> made, Optional<String> failure) {

        /** The decisions to record and tell people: changes made, and every alert. */
        public List<DnsDecision> told() {
            return decisions.stream().filter(d -> !d.isChange() || made.contains(d)).toList();
        }
    }

    private final DnsFailover failover;
    private final DnsProvider provider;
    private final HealthCheck check;
    private final Clock clock;
    private FailoverState state = FailoverState.initial();

    public DnsRounds(DnsFailover failover, DnsProvider provider, HealthCheck check, Clock clock) {
        this.failover = failover;
        this.provider = provider;
        this.check = check;
        this.clock = clock;
    }

    public synchronized Report round(List<Target> targets) throws InterruptedException {
        Instant at = clock.instant();
        List<DropletCheck> checks = new ArrayList<>();
        List<String> details = new ArrayList<>();
        // Platform threads: a check blocks on a socket for up to its timeout, and all run at once.
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
            List<Future<HealthCheck.Result>> results = new ArrayList<>();
            for (Target target : targets) {
                results.add(pool.submit(() -> check.check(target.droplet(), target.addresses())));
            }
            for (int i = 0; i < targets.size(); i++) {
                HealthCheck.Result result;
                try {
                    result = results.get(i).get();
                } catch (ExecutionException e) {
                    result = new HealthCheck.Result(false, "the check failed: " + e.getCause());
                }
                checks.add(new DropletCheck(targets.get(i).droplet(), targets.get(i).addresses(), result.passed()));
                details.add(result.detail());
            }
        }
        List<DnsRecord> published;
        try {
            published = provider.list(failover.name());
        } catch (DnsException e) {
            return new Report(at, checks, details, List.of(), List.of(), Optional.of("reading " + failover.name()
                    + " from " + provider.describe() + " failed: " + e.getMessage()));
        }
        FailoverRound round = failover.round(state, checks, published);
        state = round.state();
        List<DnsDecision> made = new ArrayList<>();
        for (DnsDecision change : round.changes()) {
            try {
                switch (change) {
                    case DnsDecision.Add add -> provider.add(add.record());
                    case DnsDecision.Remove remove -> provider.remove(remove.record());
                    default -> throw new IllegalStateException("not a change: " + change);
                }
                made.add(change);
            } catch (DnsException e) {
                return new Report(at, checks, details, round.decisions(), made, Optional.of(change.text()
                        + " failed at " + provider.describe() + ": " + e.getMessage()));
            }
        }
        return new Report(at, checks, details, round.decisions(), made, Optional.empty());
    }
}
