package dev.fleet.apply;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ProxySpec;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.plan.BalancerRules;
import dev.fleet.plan.BalancerTiming;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Step;
import dev.fleet.plan.StepText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Performs one step on one droplet: the one place where a step becomes an action. Each step is
 * timed and reported to {@link Progress}; a droplet's step is recorded there as its intent first.
 */
final class StepActions {

    /** A step's action; its failure is an {@link ApplyException}. */
    interface Action {
        void run() throws ApplyException, InterruptedException;
    }

    private final DesiredState state;
    private final String run;
    private final BalancerControl balancer;
    private final Clock clock;
    private final Pause pause;
    private final Progress progress;
    private final BalancerRules rules;
    private final BalancerTiming timing;
    private final HealthWaits waits;
    /**
     * When each droplet's new container was first seen healthy (the start of the run of successes
     * that passed): a health-check balancer counts its healthy checks from then, while fleet goes on
     * verifying, so the wait for it to send traffic counts from then too.
     */
    private final Map<String, Instant> healthySince = new ConcurrentHashMap<>();

    /** @param rules the rules of the balancer the plan was made with: its waits and the steps' words */
    StepActions(DesiredState state, String run, BalancerControl balancer, BalancerRules rules, Clock clock, Pause pause,
            Progress progress) {
        this.state = state;
        this.run = run;
        this.balancer = balancer;
        this.clock = clock;
        this.pause = pause;
        this.progress = progress;
        this.rules = rules;
        this.timing = rules.timing(state.health(), state.rollout());
        this.waits = new HealthWaits(state.health(), state.rollout().minHealthyTime(), clock, pause);
    }

    /**
     * Records the step's intent on the droplet, then performs it; a failure to record is the step's failure.
     *
     * @param index its place in the droplet's steps, rollback steps counted after the forward ones
     * @param phase {@link RolloutIntent#FORWARD} or {@link RolloutIntent#ROLLBACK}
     */
    StepRecord perform(DropletPlan plan, Step step, int index, String phase, DropletSession session)
            throws InterruptedException {
        return timed(step, () -> {
            session.recordIntent(new RolloutIntent(run, index + ":" + StepText.kind(step), phase, plan.toDigest(),
                    plan.fromImage().map(image -> image.reference()), plan.fromDigest(), clock.instant()));
            act(step, session, phase);
        });
    }

    /**
     * Waits while nginx's old workers still finish requests. Never fails, as the step promises: a
     * droplet that cannot be asked (its SSH channel closed under the question, say) ends the wait,
     * and whatever is left meets the old colour's stop grace.
     */
    private void awaitOldRequests(DropletSession session, Step.AwaitOldRequests step) throws InterruptedException {
        Instant end = clock.instant().plus(step.deadline());
        try {
            while (clock.instant().isBefore(end) && session.proxyDraining(proxy())) {
                pause.pause(HealthWaits.POLL);
            }
        } catch (ApplyException e) {
            // Not knowing is not a failure of this step: the stop grace that follows covers it.
        }
    }

    /**
     * The record of the probe going over {@code rollout.probe.max-failures} during {@code droplet}'s
     * turn, reported as a failed step: the turn fails from there as at a failed health check.
     */
    StepRecord probeFailed(String droplet, String why) {
        StepRecord record = new StepRecord(droplet, "rollout.probe", clock.instant(), Duration.ZERO, Optional.of(why));
        progress.finished(record);
        return record;
    }

    /** The step in words, as the plan says it. */
    String describe(Step step) {
        return StepText.describe(step, state, rules);
    }

    /** Performs {@code action} as {@code step}: reported when it starts and ends, its failure recorded. */
    StepRecord timed(Step step, Action action) throws InterruptedException {
        String description = describe(step);
        progress.started(step, description);
        Instant started = clock.instant();
        Optional<String> failure = Optional.empty();
        try {
            action.run();
        } catch (ApplyException e) {
            failure = Optional.of(e.getMessage());
        }
        StepRecord record = new StepRecord(step.droplet(), description, started,
                Duration.between(started, clock.instant()), failure);
        progress.finished(record);
        return record;
    }

    private void act(Step step, DropletSession session, String phase) throws ApplyException, InterruptedException {
        DropletSpec droplet = state.droplet(step.droplet());
        switch (step) {
            case Step.PullImage pull -> session.pull(pull.image());
            case Step.Drain d -> balancer.drain(droplet, session);
            case Step.AwaitDrained a -> {
                waits.await("the balancer to drop it", a.deadline(), () -> balancer.outOfRotation(droplet, session));
                waits.settle(timing.settleAfterDrained());
            }
            case Step.RemoveContainer r -> session.removeContainer(r.container(), r.grace());
            case Step.StartContainer s -> session.startContainer(s.container());
            case Step.AwaitRunning r -> awaitRunning(session, r);
            case Step.AwaitHealthy h -> healthySince.put(h.droplet(),
                    waits.awaitHealthy(session, state.health(), h.deadline()));
            case Step.StartColour s -> session.startContainer(s.container());
            case Step.AwaitColourHealthy h -> waits.awaitHealthy(session,
                    state.health().atPort(colourPort(session, h.container())), h.deadline());
            case Step.SwitchProxy s -> switchProxy(session, s, phase);
            case Step.AwaitProxyRoute a -> awaitProxyRoute(session, a);
            case Step.VerifyColour v -> verifyColour(session, v);
            case Step.AwaitOldRequests a -> awaitOldRequests(session, a);
            case Step.Undrain u -> balancer.undrain(droplet, session);
            case Step.AwaitInRotation a -> awaitInRotation(session, droplet, a);
            case Step.Verify v -> verify(session, v);
            case Step.PruneImages p -> prune(session, p);
        }
    }

    /**
     * A worker or accessory: its image's health check decides when it has one; else it must stay up
     * for its min-uptime without a restart, counted on fleet's clock from when fleet first saw it
     * running (the droplet's clock may differ from fleet's). A container that stopped or restarted
     * fails at once: a crashing release does not get better by waiting.
     */
    private void awaitRunning(DropletSession session, Step.AwaitRunning step)
            throws ApplyException, InterruptedException {
        Instant seenRunning = clock.instant();
        waits.await(step.container() + " to be healthy", step.deadline(), () -> {
            ObservedContainer c = session.container(step.container())
                    .orElseThrow(() -> new ApplyException("container " + step.container() + " is gone"));
            if (!c.running() || c.restartCount() > 0) {
                throw new ApplyException("container " + step.container() + " is " + c.state()
                        + c.exitCode().map(code -> ", exit code " + code).orElse("")
                        + (c.restartCount() > 0 ? ", restarted " + c.restartCount() + " times" : ""));
            }
            if (c.dockerHealth().isPresent()) {
                return c.dockerHealth().get().equals("healthy");
            }
            return !clock.instant().isBefore(seenRunning.plus(step.minUptime()));
        });
    }

    /** Never fails, as the step promises: the droplet's turn has succeeded, and what is left is tried next time. */
    private void prune(DropletSession session, Step.PruneImages step) {
        try {
            List<String> removed = session.pruneImages(step.service(), step.running(), step.keep());
            if (!removed.isEmpty()) {
                progress.note(step.droplet(), "removed " + String.join(", ", removed));
            }
        } catch (ApplyException e) {
            progress.note(step.droplet(), "old images not removed (" + e.getMessage() + "); the next turn tries again");
        }
    }

    private void awaitInRotation(DropletSession session, DropletSpec droplet, Step.AwaitInRotation a)
            throws ApplyException, InterruptedException {
        Instant deadline = clock.instant().plus(a.deadline());
        Instant from = healthySince.getOrDefault(a.droplet(), clock.instant());
        if (!balancer.inRotation(droplet, session)) {
            // Not back when asked first (a health-check balancer: the app failed a check
            // since): the return time counts from when it is seen back.
            pause.pause(HealthWaits.POLL);
            waits.await("the balancer to have it back", a.deadline(), () -> balancer.inRotation(droplet, session));
            from = clock.instant();
        }
        waits.settleWhileHealthy(session, timing.settleAfterInRotation(), from, deadline);
    }

    private void switchProxy(DropletSession session, Step.SwitchProxy s, String phase) throws ApplyException {
        // Going back to a colour nginx never left (the switch failed) has nothing to undo.
        boolean already = phase.equals(RolloutIntent.ROLLBACK)
                && session.route(proxy(), state.health()).servedBy(s.container());
        if (!already) {
            session.switchProxy(proxy(), s.container(), colourPort(session, s.container()));
        }
    }

    private void awaitProxyRoute(DropletSession session, Step.AwaitProxyRoute a)
            throws ApplyException, InterruptedException {
        AtomicReference<String> last = new AtomicReference<>("not asked");
        try {
            waits.await("nginx to send requests to " + a.container(), a.deadline(), () -> {
                ProxyRoute route = session.route(proxy(), state.health());
                last.set(route.detail());
                return route.servedBy(a.container());
            });
        } catch (ApplyException e) {
            throw new ApplyException(e.getMessage() + " (last seen: " + last.get() + ")");
        }
    }

    private void verify(DropletSession session, Step.Verify verify) throws ApplyException {
        runs(session, state.service().name(), verify.digest());
        HealthProbe probe = session.probe(state.health());
        if (!probe.healthy()) {
            throw new ApplyException("unhealthy: " + String.join("; ", probe.failures()));
        }
    }

    private void verifyColour(DropletSession session, Step.VerifyColour verify) throws ApplyException {
        runs(session, verify.container(), verify.digest());
        ProxyRoute route = session.route(proxy(), state.health());
        if (!route.servedBy(verify.container())) {
            throw new ApplyException("nginx does not send requests to " + verify.container() + ": " + route.detail());
        }
        HealthProbe probe = session.probe(state.health().atPort(proxy().checkPort()));
        if (!probe.healthy()) {
            throw new ApplyException("unhealthy through nginx: " + String.join("; ", probe.failures()));
        }
    }

    /** The container {@code name} is there, running, and on {@code digest} when one is given. */
    private static void runs(DropletSession session, String name, Optional<String> digest) throws ApplyException {
        ObservedContainer container = running(session, name, " any more");
        if (digest.isPresent() && !digest.equals(container.digest())) {
            throw new ApplyException("container " + name + " runs "
                    + container.digest().map(ImageRef::shortForm).orElse("an image with no digest")
                    + ", not " + ImageRef.shortForm(digest.get()));
        }
    }

    /** The container {@code name}, running; {@code absent} ends the sentence when there is none. */
    private static ObservedContainer running(DropletSession session, String name, String absent)
            throws ApplyException {
        ObservedContainer container = session.container(name)
                .orElseThrow(() -> new ApplyException("no container " + name + absent));
        if (!container.running()) {
            throw new ApplyException("container " + name + " is " + container.state());
        }
        return container;
    }

    /** The droplet port the colour's app port is published on, as its engine says now. */
    private int colourPort(DropletSession session, String colour) throws ApplyException {
        ObservedContainer container = running(session, colour, " on the droplet");
        Integer port = container.tcpPorts().get(proxy().appPort());
        if (port == null) {
            throw new ApplyException("container " + colour + " publishes no port for the app's port "
                    + proxy().appPort() + " (proxy.app-port)");
        }
        return port;
    }

    private ProxySpec proxy() {
        return state.blueGreenProxy();
    }
}
