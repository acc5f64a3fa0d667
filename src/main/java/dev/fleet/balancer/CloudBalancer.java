package dev.fleet.balancer;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.cloud.CloudApiException;
import dev.fleet.cloud.CloudBalancerApi;
import dev.fleet.cloud.CloudBalancerView;
import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Durations;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.plan.BalancerTiming;
import dev.fleet.plan.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cloud's load balancer (DigitalOcean's), changed through the cloud's API, so the app needs no
 * drain endpoint. A droplet is drained by removing it from the balancer; the plan then keeps its
 * container for {@code balancer.drain-wait}, for the requests it has in flight. It comes back by
 * adding it; it is back in rotation once the balancer's own health check has had the time to pass it,
 * {@code interval x (healthy threshold + 1)} as the API states them when the droplet is added, with
 * the app passing fleet's checks all along (a failed one starts that time again, as it starts the
 * balancer's count again). The API reports no droplet's health, so that time is all there is to go
 * by; fleet never guesses a timing the API states.
 *
 * <p>Its view of the droplets: UP when the balancer lists one, else {@value #NOT_IN_BALANCER}. A
 * balancer that is not active (new, errored), or that selects its droplets by tag, is reported as
 * unusable, and a plan refuses to drain through it.
 *
 * <p>Thread-safe: droplets may be drained in parallel. Taking one out is looked at and done under one
 * lock, so that two drains never take a balancer's last two droplets.
 */
final class CloudBalancer implements Balancer {

    static final String UP = "UP";
    static final String NOT_IN_BALANCER = "NOT IN BALANCER";
    /** A listing younger than this answers a poll again: polled every 200 ms, the API's rate limit would notice. */
    static final Duration FRESH = Duration.ofSeconds(1);

    private final BalancerSpec.Cloud spec;
    private final HealthSpec health;
    private final RolloutPolicy rollout;
    private final CloudBalancerApi api;
    private final Clock clock;
    private final String title;
    private final ReentrantLock changes = new ReentrantLock();
    private final Map<String, Comeback> comebacks = new ConcurrentHashMap<>();
    private final AtomicReference<Listing> last = new AtomicReference<>();
    /** The balancer's health checks as last read: kept across changes, which forget {@link #last}. */
    private final AtomicReference<CloudBalancerView.HealthChecks> checks = new AtomicReference<>();

    private record Listing(Instant at, CloudBalancerView view) {}

    /** @param clock the apply's clock: the return time is counted on it */
    CloudBalancer(BalancerSpec.Cloud spec, HealthSpec health, RolloutPolicy rollout, CloudBalancerApi api,
            Clock clock) {
        this.spec = spec;
        this.health = health;
        this.rollout = rollout;
        this.api = api;
        this.clock = clock;
        this.title = "the " + spec.provider().title() + " load balancer";
    }

    /**
     * Out of rotation once the balancer no longer lists it, then the drain wait; back as {@link
     * #inRotation} decides, so no settle time follows it.
     */
    @Override
    public BalancerTiming timing(HealthSpec appHealth, RolloutPolicy policy) {
        // The estimate of a droplet's turn counts the balancer's own checks before it sends traffic
        // again (about a minute with the cloud's defaults) once the balancer has been read.
        Duration back = Optional.ofNullable(checks.get()).map(CloudBalancerView.HealthChecks::toComeBack)
                .orElse(BalancerTiming.ASKED_BACK);
        return BalancerTiming.asked(spec.drainWait(), BalancerTiming.ASKED_DRAIN.plus(back), appHealth, policy);
    }

    @Override
    public Optional<String> refusalWhenUnreadable(String problem) {
        return Optional.of(title + " cannot be used (" + problem + "): fleet drains through its API and will not"
                + " guess; check balancer.load-balancer-id, the token in " + spec.tokenFrom() + " and the load"
                + " balancer's page");
    }

    @Override
    public String drain(DesiredState state, DropletSpec droplet) {
        return "remove droplet " + spec.dropletId(droplet.name()) + " from " + title;
    }

    @Override
    public String awaitDrained(DesiredState state, Step.AwaitDrained step) {
        return "wait until " + title + " no longer lists it, then " + Durations.setting(spec.drainWait())
                + " for its requests in flight (balancer.drain-wait; at most " + Durations.setting(step.deadline()) + ")";
    }

    @Override
    public String undrain(DesiredState state, DropletSpec droplet) {
        return "add droplet " + spec.dropletId(droplet.name()) + " back to " + title;
    }

    @Override
    public String awaitInRotation(DesiredState state, Step.AwaitInRotation step) {
        return "wait its health check's interval x (healthy threshold + 1), as its API states them, from when it is"
                + " added, the app passing its checks every " + Durations.setting(state.health().interval())
                + " (the API reports no droplet's health; at most " + Durations.setting(step.deadline()) + ")";
    }

    @Override
    public BalancerObservation observe(DesiredState state) {
        CloudBalancerView view;
        try {
            view = api.read();
        } catch (CloudApiException e) {
            return new BalancerObservation.Unavailable(e.getMessage());
        }
        checks.set(view.checks());
        Optional<String> unusable = unusable(view);
        if (unusable.isPresent()) {
            return new BalancerObservation.Unavailable(unusable.get());
        }
        Map<String, BalancerObservation.ServerState> servers = new HashMap<>();
        for (DropletSpec droplet : state.droplets()) {
            boolean listed = view.lists(spec.dropletId(droplet.name()));
            servers.put(droplet.serverName(), new BalancerObservation.ServerState(listed ? UP : NOT_IN_BALANCER, 0));
        }
        return new BalancerObservation.Servers(servers);
    }

    @Override
    public void drain(DropletSpec droplet, DropletSession session) throws ApplyException {
        long id = spec.dropletId(droplet.name());
        changes.lock();
        try {
            CloudBalancerView view = read();
            Optional<String> unusable = unusable(view);
            if (unusable.isPresent()) {
                throw new ApplyException(unusable.get() + ": fleet takes no droplet out of it");
            }
            checkComebackFits(view.checks());
            if (!view.lists(id)) {
                return; // already out: a drain repeated after a lost answer, or someone's by hand
            }
            if (view.droplets().size() == 1) {
                throw new ApplyException(droplet.name() + " (droplet " + id + ") is the only droplet in " + title
                        + ": taking it out would leave it none, and it would answer 503 to everyone. Add another"
                        + " droplet to it first");
            }
            change(() -> api.remove(id));
        } finally {
            changes.unlock();
        }
    }

    @Override
    public boolean outOfRotation(DropletSpec droplet, DropletSession session) throws ApplyException {
        return !listing().lists(spec.dropletId(droplet.name()));
    }

    @Override
    public void undrain(DropletSpec droplet, DropletSession session) throws ApplyException {
        long id = spec.dropletId(droplet.name());
        changes.lock();
        try {
            CloudBalancerView view = read();
            if (!view.lists(id)) {
                change(() -> api.add(id));
            }
            comebacks.put(droplet.name(), Comeback.from(clock.instant(), view.checks().toComeBack()));
        } finally {
            changes.unlock();
        }
    }

    /**
     * Whether the balancer has had the time to pass the droplet's health checks since it was added,
     * with the app passing fleet's own checks meanwhile, and still lists it.
     */
    @Override
    public boolean inRotation(DropletSpec droplet, DropletSession session) throws ApplyException {
        Comeback comeback = comebacks.get(droplet.name());
        if (comeback == null) {
            // Not added by this apply: the balancer's count can only be assumed to start now.
            comeback = Comeback.from(clock.instant(), read().checks().toComeBack());
        }
        if (comeback.probeDue(clock.instant())) {
            boolean healthy = session.probe(health).healthy();
            comeback = comeback.probed(clock.instant(), healthy, health.interval());
        }
        comebacks.put(droplet.name(), comeback);
        if (!comeback.over(clock.instant())) {
            return false;
        }
        long id = spec.dropletId(droplet.name());
        if (!read().lists(id)) {
            throw new ApplyException(droplet.name() + " (droplet " + id + ") is no longer in " + title + ": it was"
                    + " taken out while fleet waited for it to come back; fleet does not put it back against whoever"
                    + " did");
        }
        comebacks.remove(droplet.name());
        return true;
    }

    /** Why fleet cannot drain through the balancer as it is, if so. */
    private Optional<String> unusable(CloudBalancerView view) {
        String name = api.describe() + (view.name().isBlank() ? "" : " (" + view.name() + ")");
        if (!view.active()) {
            String advice = switch (view.status()) {
                case "new" -> "it is still being created; apply again once it is active";
                case "errored" -> "it failed; see its page in the control panel, and fix or replace it";
                default -> "fleet drains only through a balancer that balances";
            };
            return Optional.of(name + " is " + view.status() + ", not active: " + advice);
        }
        return view.unusable().map(why -> name + " cannot be drained through: " + why);
    }

    /** Refuses, before anything is taken out, a return that would outlast the wait for it. */
    private void checkComebackFits(CloudBalancerView.HealthChecks checks) throws ApplyException {
        Duration deadline = timing(health, rollout).inRotationDeadline();
        Duration needed = checks.toComeBack().plus(health.interval()).plus(health.timeout());
        if (needed.compareTo(deadline) > 0) {
            throw new ApplyException(title + "'s health check takes up to " + Durations.setting(checks.toComeBack())
                    + " to send a droplet traffic again (every " + Durations.setting(checks.interval()) + ", healthy"
                    + " after " + checks.healthyThreshold() + " passed checks, plus one interval), and fleet waits at"
                    + " most " + Durations.setting(deadline) + " for that: raise rollout.health-timeout to at least "
                    + Durations.setting(needed) + ", or make the balancer check more often");
        }
    }

    /** The balancer as its API describes it now. */
    private CloudBalancerView read() throws ApplyException {
        try {
            Instant asked = clock.instant();
            CloudBalancerView view = api.read();
            last.set(new Listing(asked, view));
            checks.set(view.checks());
            return view;
        } catch (CloudApiException e) {
            throw new ApplyException(e.getMessage(), e.isTransient(), e);
        }
    }

    /** The balancer as it was described less than {@link #FRESH} ago, or now. */
    private CloudBalancerView listing() throws ApplyException {
        Listing known = last.get();
        if (known != null && Duration.between(known.at(), clock.instant()).compareTo(FRESH) < 0) {
            return known.view();
        }
        return read();
    }

    @FunctionalInterface
    private interface Change {
        void make() throws CloudApiException;
    }

    private void change(Change change) throws ApplyException {
        last.set(null);
        try {
            change.make();
        } catch (CloudApiException e) {
            throw new ApplyException(e.getMessage(), e.isTransient(), e);
        } finally {
            last.set(null);
        }
    }

    /**
     * A droplet on its way back into rotation: the balancer's count runs from when it was added, or
     * from the app's first passing check after a failing one.
     *
     * @param countFrom when the count started; empty while the app fails its checks
     * @param length    how long the count must run
     * @param nextProbe when the app is checked next
     */
    record Comeback(Optional<Instant> countFrom, Duration length, Instant nextProbe) {

        static Comeback from(Instant added, Duration length) {
            return new Comeback(Optional.of(added), length, added);
        }

        boolean probeDue(Instant now) {
            return !now.isBefore(nextProbe);
        }

        Comeback probed(Instant at, boolean healthy, Duration interval) {
            return new Comeback(healthy ? Optional.of(countFrom.orElse(at)) : Optional.empty(), length,
                    at.plus(interval));
        }

        boolean over(Instant now) {
            return countFrom.filter(from -> !now.isBefore(from.plus(length))).isPresent();
        }
    }
}
