package dev.fleet.apply;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.plan.BalancerTiming;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import dev.fleet.plan.Step;
import dev.fleet.plan.StepText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Performs a plan: the one place where steps become actions on droplets.
 *
 * <ol>
 *   <li>Opens a session on every droplet that changes, and pulls its image there, all in parallel;
 *       if any droplet cannot be reached or lacks the image afterwards, nothing is drained.
 *   <li>Then one droplet at a time, its steps in order. Waiting steps poll until their condition
 *       holds or their deadline passes; a settle time, when the balancer needs one, counts from the
 *       moment the condition was seen.
 *   <li>A failure before the old container is removed puts the droplet back in rotation unchanged;
 *       a failure after runs the plan's rollback steps. Either way the rollout stops there, and the
 *       droplets after it are not touched.
 * </ol>
 *
 * <p>Before each step of a droplet, its intent is recorded on the droplet ({@link
 * DropletSession#recordIntent}), and the droplet's turn ends by clearing it, so that an apply killed
 * at any instant leaves the next one enough to finish or undo what it was doing. The guard is asked
 * before each step too: an apply that has lost its lock stops at once, touching nothing more.
 */
public final class Executor {

    /** Time between two polls of a waiting step. */
    static final Duration POLL = Duration.ofMillis(200);

    /** Asked before each step whether the apply may go on. */
    @FunctionalInterface
    public interface Guard {
        /** Why the apply must stop now (its lock was lost, say), or empty to go on. */
        Optional<String> stopReason();

        Guard NEVER = Optional::empty;
    }

    private final DesiredState state;
    private final String run;
    private final Guard guard;
    private final DropletSessions sessions;
    private final BalancerControl balancer;
    private final Clock clock;
    private final Pause pause;
    private final Progress progress;
    private final BalancerTiming timing;
    /**
     * When each droplet's new container was first seen healthy (the start of the run of successes
     * that passed): a health-check balancer counts its healthy checks from then, while fleet goes on
     * verifying, so the wait for it to send traffic counts from then too.
     */
    private final Map<String, Instant> healthySince = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param run   the apply's run id, recorded in each droplet's intent and on the containers it starts
     * @param guard asked before each step
     */
    public Executor(DesiredState state, String run, Guard guard, DropletSessions sessions, BalancerControl balancer,
            Clock clock, Pause pause, Progress progress) {
        this.state = state;
        this.run = run;
        this.guard = guard;
        this.sessions = sessions;
        this.balancer = balancer;
        this.clock = clock;
        this.pause = pause;
        this.progress = progress;
        this.timing = BalancerTiming.of(state.balancer(), state.health(), state.rollout());
    }

    public ApplyResult apply(Plan plan) throws InterruptedException {
        Instant started = clock.instant();
        Map<String, DropletSession> open = new LinkedHashMap<>();
        try {
            List<StepRecord> preflight = new ArrayList<>();
            Optional<String> preflightFailure = preflight(plan, open, preflight);
            if (preflightFailure.isPresent()) {
                List<DropletOutcome> skipped = plan.droplets().stream().map(p -> skipped(p)).toList();
                return new ApplyResult(started, since(started), preflight, skipped, preflightFailure);
            }
            List<DropletOutcome> outcomes = new ArrayList<>();
            Optional<String> failure = Optional.empty();
            for (DropletPlan droplet : plan.droplets()) {
                if (failure.isPresent()) {
                    outcomes.add(skipped(droplet));
                    continue;
                }
                DropletOutcome outcome = perform(droplet, open.get(droplet.droplet()));
                outcomes.add(outcome);
                if (outcome.result() != DropletOutcome.Result.CONVERGED) {
                    failure = Optional.of(droplet.droplet() + ": " + outcome.failure().orElse(outcome.result().toString())
                            + "; the rollout stopped, the droplets after it were not touched");
                }
            }
            return new ApplyResult(started, since(started), preflight, outcomes, failure);
        } finally {
            open.values().forEach(DropletSession::close);
        }
    }

    /** Connects to every changing droplet and pulls its image there, in parallel. */
    private Optional<String> preflight(Plan plan, Map<String, DropletSession> open, List<StepRecord> records)
            throws InterruptedException {
        List<String> failures = new ArrayList<>();
        // Platform threads: see FleetObserver (virtual ones can starve behind blocked SSH reads).
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
            Map<Step.PullImage, Future<StepRecord>> pulls = new LinkedHashMap<>();
            Map<String, Future<DropletSession>> connecting = new LinkedHashMap<>();
            for (DropletPlan droplet : plan.droplets()) {
                DropletSpec spec = spec(droplet.droplet());
                connecting.put(droplet.droplet(), pool.submit(() -> sessions.open(spec)));
            }
            for (var entry : connecting.entrySet()) {
                try {
                    open.put(entry.getKey(), entry.getValue().get());
                } catch (ExecutionException e) {
                    failures.add(entry.getKey() + ": " + e.getCause().getMessage());
                }
            }
            if (!failures.isEmpty()) {
                return Optional.of("preflight failed, nothing was drained: " + String.join("; ", failures));
            }
            for (Step step : plan.preflight()) {
                if (step instanceof Step.PullImage pull) {
                    DropletSession session = open.get(pull.droplet());
                    pulls.put(pull, pool.submit(() -> timed(pull, () -> {
                        session.pull(pull.image().toString());
                        if (!session.hasImage(pull.image().toString())) {
                            throw new ApplyException("the image is still missing after the pull");
                        }
                    })));
                }
            }
            for (var entry : pulls.entrySet()) {
                try {
                    StepRecord record = entry.getValue().get();
                    records.add(record);
                    record.failure().ifPresent(f -> failures.add(entry.getKey().droplet() + ": " + f));
                } catch (ExecutionException e) {
                    failures.add(entry.getKey().droplet() + ": " + e.getCause());
                }
            }
        }
        return failures.isEmpty() ? Optional.empty()
                : Optional.of("preflight failed, nothing was drained: " + String.join("; ", failures));
    }

    private DropletOutcome perform(DropletPlan plan, DropletSession session) throws InterruptedException {
        DropletOutcome outcome = turn(plan, session);
        if (outcome.result() != DropletOutcome.Result.FAILED) {
            // A FAILED droplet keeps its intent: it is out of rotation by fleet's doing, and the next
            // apply must know that to bring it back.
            try {
                session.endIntent(run, outcome.result().toString());
            } catch (ApplyException e) {
                // The droplet is where it should be; a stale intent beside a droplet in sync is ignored.
            }
        }
        return outcome;
    }

    private DropletOutcome turn(DropletPlan plan, DropletSession session) throws InterruptedException {
        List<StepRecord> records = new ArrayList<>();
        // Blue-green: every failure goes through the rollback, which puts the proxy back on the old
        // colour (before the switch, that reloads what nginx already runs) and removes the new one.
        boolean replacing = plan.swapped() || state.rollout().blueGreen();
        boolean verified = false;
        boolean switched = false;
        List<Step> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            Optional<String> stop = guard.stopReason();
            if (stop.isPresent()) {
                return stopped(plan, records, step, stop.get());
            }
            replacing |= step instanceof Step.RemoveContainer || step instanceof Step.StartContainer;
            StepRecord record = perform(plan, step, i, RolloutIntent.FORWARD, session);
            records.add(record);
            if (record.succeeded()) {
                verified |= step instanceof Step.VerifyColour;
                switched |= step instanceof Step.SwitchProxy;
                continue;
            }
            String failure = record.description() + " failed: " + record.failure().get();
            if (verified) {
                // The new colour serves and was verified: what failed is only tidying up after it.
                return outcome(plan, DropletOutcome.Result.FAILED, records, failure + "; the new colour serves and"
                        + " passed its checks, the next apply tidies up");
            }
            if (!replacing) {
                Step undrain = new Step.Undrain(plan.droplet());
                StepRecord restore = perform(plan, undrain, steps.size(), RolloutIntent.ROLLBACK, session);
                records.add(restore);
                return outcome(plan, restore.succeeded() ? DropletOutcome.Result.RESTORED : DropletOutcome.Result.FAILED,
                        records, failure + (restore.succeeded() ? "; put back in rotation unchanged"
                                : "; putting it back in rotation failed too: " + restore.failure().get()));
            }
            return rollBack(plan, session, records, failure, switched);
        }
        return outcome(plan, DropletOutcome.Result.CONVERGED, records, null);
    }

    private DropletOutcome stopped(DropletPlan plan, List<StepRecord> records, Step next, String why) {
        return outcome(plan, DropletOutcome.Result.FAILED, records, "stopped before \""
                + StepText.describe(next, state) + "\": " + why + "; the droplet's intent stays on it for the next"
                + " apply, which finishes or undoes this one");
    }

    /** @param switched whether a blue-green proxy was switched to the new colour before the failure */
    private DropletOutcome rollBack(DropletPlan plan, DropletSession session, List<StepRecord> records, String failure,
            boolean switched) throws InterruptedException {
        boolean restarts = plan.rollback().stream()
                .anyMatch(s -> s instanceof Step.StartContainer || s instanceof Step.SwitchProxy);
        List<Step> rollback = plan.rollback();
        for (int i = 0; i < rollback.size(); i++) {
            Step step = rollback.get(i);
            Optional<String> stop = guard.stopReason();
            if (stop.isPresent()) {
                return stopped(plan, records, step, failure + "; then " + stop.get());
            }
            StepRecord record = perform(plan, step, plan.steps().size() + i, RolloutIntent.ROLLBACK, session);
            records.add(record);
            if (!record.succeeded()) {
                return outcome(plan, DropletOutcome.Result.FAILED, records, failure + "; rolling back failed too: "
                        + record.description() + ": " + record.failure().get() + (state.rollout().blueGreen()
                                ? "; the droplet is left as that step found it (fleet drift shows where nginx sends"
                                        + " requests)"
                                : "; the droplet is left out of rotation"));
            }
        }
        String previous = plan.fromDigest().map(dev.fleet.desired.ImageRef::shortForm).orElse("the previous image");
        if (restarts && state.rollout().blueGreen() && !switched) {
            return outcome(plan, DropletOutcome.Result.ROLLED_BACK, records, failure + "; nginx never stopped sending"
                    + " requests to " + previous + ", and the new colour was removed");
        }
        return restarts
                ? outcome(plan, DropletOutcome.Result.ROLLED_BACK, records, failure + "; rolled back to " + previous)
                : outcome(plan, DropletOutcome.Result.FAILED, records, failure
                        + "; nothing to roll back to (automatic rollback off, or no previous container):"
                        + (state.rollout().blueGreen() ? " nginx was left as the failure found it"
                                : " the droplet is left out of rotation"));
    }

    /** Records the step's intent on the droplet, then performs it; a failure to record is the step's failure. */
    private StepRecord perform(DropletPlan plan, Step step, int index, String phase, DropletSession session)
            throws InterruptedException {
        return timed(step, () -> {
            session.recordIntent(new RolloutIntent(run, index + ":" + StepText.kind(step), phase, plan.toDigest(),
                    plan.fromImage(), plan.fromDigest(), clock.instant()));
            act(step, session, plan, phase);
        });
    }



    private interface Action {
        void run() throws ApplyException, InterruptedException;
    }

    private StepRecord timed(Step step, Action action) throws InterruptedException {
        String description = StepText.describe(step, state);
        progress.started(step, description);
        Instant started = clock.instant();
        Optional<String> failure = Optional.empty();
        try {
            action.run();
        } catch (ApplyException e) {
            failure = Optional.of(e.getMessage());
        }
        StepRecord record = new StepRecord(step.droplet(), description, started, since(started), failure);
        progress.finished(record);
        return record;
    }

    private void act(Step step, DropletSession session, DropletPlan plan, String phase)
            throws ApplyException, InterruptedException {
        DropletSpec droplet = spec(step.droplet());
        switch (step) {
            case Step.PullImage pull -> session.pull(pull.image().toString());
            case Step.Drain d -> balancer.drain(droplet, session);
            case Step.AwaitDrained a -> {
                await("the balancer to drop it", a.deadline(), () -> balancer.outOfRotation(droplet, session));
                settle(timing.settleAfterDrained());
            }
            case Step.RemoveContainer r -> session.removeContainer(r.container(), r.grace());
            case Step.StartContainer s -> session.startContainer(containerSpec(s, plan, phase));
            case Step.AwaitHealthy h -> healthySince.put(h.droplet(), awaitHealthy(session, state.health(), h.deadline()));
            case Step.StartColour s -> session.startContainer(colourSpec(s, plan, phase));
            case Step.AwaitColourHealthy h -> awaitHealthy(session, state.health().atPort(colourPort(session, h.container())),
                    h.deadline());
            case Step.SwitchProxy s -> {
                // Going back to a colour nginx never left (the switch failed) has nothing to undo.
                boolean already = phase.equals(RolloutIntent.ROLLBACK)
                        && session.route(proxy(), state.health()).servedBy(s.container());
                if (!already) {
                    session.switchProxy(proxy(), s.container(), colourPort(session, s.container()));
                }
            }
            case Step.AwaitProxyRoute a -> {
                var last = new java.util.concurrent.atomic.AtomicReference<String>("not asked");
                try {
                    await("nginx to send requests to " + a.container(), a.deadline(), () -> {
                        var route = session.route(proxy(), state.health());
                        last.set(route.detail());
                        return route.servedBy(a.container());
                    });
                } catch (ApplyException e) {
                    throw new ApplyException(e.getMessage() + " (last seen: " + last.get() + ")");
                }
            }
            case Step.VerifyColour v -> verifyColour(session, v);
            case Step.AwaitOldRequests a -> {
                Instant end = clock.instant().plus(a.deadline());
                while (clock.instant().isBefore(end) && session.proxyDraining(proxy())) {
                    pause.pause(POLL);
                }
            }
            case Step.Undrain u -> balancer.undrain(droplet, session);
            case Step.AwaitInRotation a -> {
                Instant deadline = clock.instant().plus(a.deadline());
                Instant from = healthySince.getOrDefault(a.droplet(), clock.instant());
                if (!balancer.inRotation(droplet, session)) {
                    // Not back when asked first (a health-check balancer: the app failed a check
                    // since): the return time counts from when it is seen back.
                    pause.pause(POLL);
                    await("the balancer to have it back", a.deadline(), () -> balancer.inRotation(droplet, session));
                    from = clock.instant();
                }
                settleWhileHealthy(session, from, deadline);
            }
            case Step.Verify v -> verify(session, v);
        }
    }

    private interface Condition {
        boolean holds() throws ApplyException;
    }

    private void await(String what, Duration deadline, Condition condition) throws ApplyException, InterruptedException {
        Instant end = clock.instant().plus(deadline);
        while (!condition.holds()) {
            if (!clock.instant().isBefore(end)) {
                throw new ApplyException("waited " + StepText.seconds(deadline) + " for " + what + ", in vain");
            }
            pause.pause(POLL);
        }
    }

    /**
     * Waits out the balancer's return time, counted from {@code healthyFrom}, probing the app each
     * health interval meanwhile: a failed probe restarts the count from the next passing one, as it
     * restarts the balancer's own count of healthy checks. Nothing to wait when the balancer is asked.
     */
    private void settleWhileHealthy(DropletSession session, Instant healthyFrom, Instant deadline)
            throws ApplyException, InterruptedException {
        Duration settle = timing.settleAfterInRotation();
        if (settle.isZero()) {
            return;
        }
        HealthSpec health = state.health();
        Instant from = healthyFrom;
        Instant nextProbe = clock.instant().plus(health.interval());
        while (true) {
            Instant now = clock.instant();
            if (from != null && !now.isBefore(from.plus(settle))) {
                return;
            }
            if (!now.isBefore(deadline)) {
                throw new ApplyException("the app failed its checks again while the balancer was taking it back,"
                        + " and did not pass them for long enough before the deadline");
            }
            Instant wakeUp = from == null || nextProbe.isBefore(from.plus(settle)) ? nextProbe : from.plus(settle);
            if (now.isBefore(wakeUp)) {
                pause.pause(Duration.between(now, wakeUp));
                continue;
            }
            Instant asked = clock.instant();
            HealthProbe probe = session.probe(health);
            nextProbe = asked.plus(health.interval());
            if (!probe.healthy()) {
                from = null;
            } else if (from == null) {
                from = asked;
            }
        }
    }

    private void settle(Duration duration) throws InterruptedException {
        settleUntil(clock.instant().plus(duration));
    }

    private void settleUntil(Instant end) throws InterruptedException {
        for (Instant now = clock.instant(); now.isBefore(end); now = clock.instant()) {
            Duration left = Duration.between(now, end);
            pause.pause(left.compareTo(POLL) < 0 ? left : POLL);
        }
    }

    /**
     * The app must pass its checks {@code successes} times in a row, one interval apart, and then
     * keep passing them for the minimum healthy time; a failure starts the count again.
     *
     * @return when the run of successes that passed began
     */
    private Instant awaitHealthy(DropletSession session, HealthSpec health, Duration deadline)
            throws ApplyException, InterruptedException {
        Duration minHealthy = state.rollout().minHealthyTime();
        Instant end = clock.instant().plus(deadline);
        int successes = 0;
        Instant streakStart = null;
        Instant passedAt = null;
        HealthProbe last = null;
        while (true) {
            Instant asked = clock.instant();
            last = session.probe(health);
            Instant now = clock.instant();
            if (last.healthy()) {
                successes++;
                if (successes == 1) {
                    streakStart = asked;
                }
                if (successes == health.successes()) {
                    passedAt = now;
                }
                if (passedAt != null && !now.isBefore(passedAt.plus(minHealthy))) {
                    return streakStart;
                }
            } else {
                successes = 0;
                streakStart = null;
                passedAt = null;
            }
            if (!now.isBefore(end)) {
                throw new ApplyException("not healthy within " + StepText.seconds(deadline) + ": "
                        + (last.healthy() ? "healthy, but not for long enough" : String.join("; ", last.failures())));
            }
            // Probes start an interval apart, however long each one took.
            Duration untilNext = Duration.between(clock.instant(), asked.plus(health.interval()));
            if (untilNext.isPositive()) {
                pause.pause(untilNext);
            }
        }
    }

    private void verify(DropletSession session, Step.Verify verify) throws ApplyException {
        runs(session, state.service().name(), verify.digest());
        HealthProbe probe = session.probe(state.health());
        if (!probe.healthy()) {
            throw new ApplyException("unhealthy: " + String.join("; ", probe.failures()));
        }
    }

    private dev.fleet.desired.ProxySpec proxy() {
        return state.blueGreenProxy();
    }

    /** The droplet port the colour's app port is published on, as its engine says now. */
    private int colourPort(DropletSession session, String colour) throws ApplyException {
        ObservedContainer container = session.container(colour)
                .orElseThrow(() -> new ApplyException("no container " + colour + " on the droplet"));
        if (!container.running()) {
            throw new ApplyException("container " + colour + " is " + container.state());
        }
        Integer port = container.tcpPorts().get(proxy().appPort());
        if (port == null) {
            throw new ApplyException("container " + colour + " publishes no port for the app's port "
                    + proxy().appPort() + " (proxy.app-port)");
        }
        return port;
    }

    /** The container {@code name} is there, running, and on {@code digest} when one is given. */
    private static void runs(DropletSession session, String name, Optional<String> digest) throws ApplyException {
        ObservedContainer container = session.container(name)
                .orElseThrow(() -> new ApplyException("no container " + name + " any more"));
        if (!container.running()) {
            throw new ApplyException("container " + name + " is " + container.state());
        }
        if (digest.isPresent() && !digest.equals(container.digest())) {
            throw new ApplyException("container " + name + " runs "
                    + container.digest().map(dev.fleet.desired.ImageRef::shortForm).orElse("an image with no digest")
                    + ", not " + dev.fleet.desired.ImageRef.shortForm(digest.get()));
        }
    }

    private void verifyColour(DropletSession session, Step.VerifyColour verify) throws ApplyException {
        runs(session, verify.container(), verify.digest());
        var route = session.route(proxy(), state.health());
        if (!route.servedBy(verify.container())) {
            throw new ApplyException("nginx does not send requests to " + verify.container() + ": " + route.detail());
        }
        HealthProbe probe = session.probe(state.health().atPort(proxy().checkPort()));
        if (!probe.healthy()) {
            throw new ApplyException("unhealthy through nginx: " + String.join("; ", probe.failures()));
        }
    }

    /** A colour: the service's labels, its app port on a free loopback port, no other port. */
    private ContainerSpec colourSpec(Step.StartColour start, DropletPlan plan, String phase) {
        ContainerSpec service = containerSpec(new Step.StartContainer(start.droplet(), start.image(), start.digest()),
                plan, phase);
        return new ContainerSpec(start.container(), service.image(), List.of(new dev.fleet.desired.PortMapping(
                Optional.of("127.0.0.1"), 0, proxy().appPort(), "tcp")), service.environment(), service.restart(),
                service.labels());
    }

    private ContainerSpec containerSpec(Step.StartContainer start, DropletPlan plan, String phase) {
        Map<String, String> labels = new LinkedHashMap<>(state.service().labels());
        labels.put(FleetLabels.SERVICE, state.service().name());
        if (!start.digest().isEmpty()) {
            labels.put(FleetLabels.DIGEST, start.digest());
        }
        labels.put(FleetLabels.ROLLOUT, run);
        if (phase.equals(RolloutIntent.FORWARD)) {
            plan.fromImage().ifPresent(image -> labels.put(FleetLabels.REPLACES, image));
            plan.fromDigest().ifPresent(digest -> labels.put(FleetLabels.REPLACES_DIGEST, digest));
        }
        return new ContainerSpec(state.service().name(), start.image(), state.service().ports(),
                state.service().environment(), state.service().restart(), labels);
    }

    private DropletOutcome outcome(DropletPlan plan, DropletOutcome.Result result, List<StepRecord> records,
            String failure) {
        return new DropletOutcome(plan.droplet(), plan.fromDigest(), plan.toDigest(), result, records,
                Optional.ofNullable(failure));
    }

    private static DropletOutcome skipped(DropletPlan plan) {
        return new DropletOutcome(plan.droplet(), plan.fromDigest(), plan.toDigest(), DropletOutcome.Result.SKIPPED,
                List.of(), Optional.empty());
    }

    private DropletSpec spec(String droplet) {
        return state.droplets().stream().filter(d -> d.name().equals(droplet)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no droplet " + droplet + " in the state"));
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }
}
