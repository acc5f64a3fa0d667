package dev.fleet.dns;

import dev.fleet.desired.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One round of DNS health failover, start to end: checks every droplet (in parallel, a check that
 * does not end by the deadline counted as failed, so one stalled droplet never stops the rounds), reads what
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
     * @param published the name's records as the round read them, before its changes (none when
     *                  reading them failed)
     * @param decisions everything decided, changes and things to tell
     * @param made      the changes made (a prefix of the changes decided)
     * @param failure   why a change, or reading DNS, failed
     */
    public record Report(Instant at, List<DropletCheck> checks, List<String> details, List<DnsRecord> published,
            List<DnsDecision> decisions, List<DnsDecision> made, Optional<String> failure) {

        public Report {
            checks = List.copyOf(checks);
            details = List.copyOf(details);
            published = List.copyOf(published);
            decisions = List.copyOf(decisions);
            made = List.copyOf(made);
        }

        /** The records the name publishes after the round: those it read, with the changes it made. */
        public List<DnsRecord> publishedAfter() {
            List<DnsRecord> after = new ArrayList<>(published);
            for (DnsDecision change : made) {
                switch (change) {
                    case DnsDecision.Add add -> after.add(add.record());
                    case DnsDecision.Remove remove -> after.removeIf(remove.record()::sameAddress);
                    default -> { }
                }
            }
            return List.copyOf(after);
        }

        /** The decisions to record and tell people: changes made, and every alert. */
        public List<DnsDecision> told() {
            return decisions.stream().filter(d -> !d.isChange() || made.contains(d)).toList();
        }
    }

    private final DnsFailover failover;
    private final DnsProvider provider;
    private final HealthCheck check;
    private final Duration checkDeadline;
    private final Clock clock;
    private FailoverState state = FailoverState.initial();

    /**
     * @param checkDeadline how long a round waits for the droplets' checks: past it, a check still
     *                      running counts as failed for its droplet. The checks' own timeouts should
     *                      end them sooner; this bound holds whatever a check does.
     */
    public DnsRounds(DnsFailover failover, DnsProvider provider, HealthCheck check, Duration checkDeadline,
            Clock clock) {
        this.failover = failover;
        this.provider = provider;
        this.check = check;
        this.checkDeadline = checkDeadline;
        this.clock = clock;
    }

    public synchronized Report round(List<Target> targets) throws InterruptedException {
        Instant at = clock.instant();
        List<DropletCheck> checks = new ArrayList<>();
        List<String> details = new ArrayList<>();
        List<HealthCheck.Result> results = checkAll(targets);
        for (int i = 0; i < targets.size(); i++) {
            checks.add(new DropletCheck(targets.get(i).droplet(), targets.get(i).addresses(), results.get(i).passed()));
            details.add(results.get(i).detail());
        }
        List<DnsRecord> published;
        try {
            published = provider.list(failover.name());
        } catch (DnsException e) {
            return new Report(at, checks, details, List.of(), List.of(), List.of(), Optional.of("reading " + failover.name()
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
                return new Report(at, checks, details, published, round.decisions(), made, Optional.of(change.text()
                        + " failed at " + provider.describe() + ": " + e.getMessage()));
            }
        }
        return new Report(at, checks, details, published, round.decisions(), made, Optional.empty());
    }

    /**
     * Every target's check, run at once, each waited for until the round's deadline at most: a check
     * still running then counts as failed, and the round goes on without it.
     */
    private List<HealthCheck.Result> checkAll(List<Target> targets) throws InterruptedException {
        long deadline = System.nanoTime() + checkDeadline.toNanos();
        // Platform threads: a check blocks on a socket for up to its timeout, and all run at once.
        // Not closed but shut down: close() would wait for a check that never ends.
        ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory());
        try {
            List<Future<HealthCheck.Result>> pending = new ArrayList<>();
            for (Target target : targets) {
                pending.add(pool.submit(() -> check.check(target.droplet(), target.addresses())));
            }
            List<HealthCheck.Result> results = new ArrayList<>();
            for (Future<HealthCheck.Result> future : pending) {
                results.add(await(future, deadline));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private HealthCheck.Result await(Future<HealthCheck.Result> future, long deadline) throws InterruptedException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            return new HealthCheck.Result(false, "the check failed: " + e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            return new HealthCheck.Result(false, "the check did not end within " + Durations.timeout(checkDeadline)
                    + "; counted as failed");
        }
    }
}
