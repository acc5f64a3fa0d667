package dev.fleet.plan;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ProxySpec;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plans one droplet of a blue-green fleet, from what its proxy and its Docker engine say. Pure.
 *
 * <p>The colour the proxy sends requests to is live; the other one, if it exists, is idle. A
 * droplet changes when its live colour does not run the desired digest (or there is none): the
 * idle colour is (re)started from the desired image, checked on its own port, the proxy is
 * switched to it and confirmed to answer from it, and the old colour is removed once the proxy's
 * old workers are done. A failure puts the proxy back on the old colour and removes the new one;
 * before the switch that changes nothing anyone sees.
 *
 * <p>Everything is read from the droplet, so an apply that died anywhere is taken up by the next:
 * an idle colour beside a live one in sync is removed; a live colour on the desired digest that
 * fails its checks while an unfinished apply's intent is there (the switch happened, the
 * verification did not) is given its health timeout, then the proxy goes back to the idle one.
 */
final class BlueGreenPlanner {

    /** How long the proxy may take to answer from a colour once reloaded. */
    static final Duration ROUTE_DEADLINE = Duration.ofSeconds(10);

    private BlueGreenPlanner() {}

    /** The droplet's plan, or empty when it is left as it is. */
    static Optional<DropletPlan> plan(Containers containers, DropletSpec spec, DropletDrift drift,
            DropletObservation.Reached reached, BalancerTiming timing) {
        DesiredState state = containers.state();
        String service = state.service().name();
        ProxySpec proxy = state.blueGreenProxy();
        ImageRef target = state.desiredImage(spec);
        String name = spec.name();
        Optional<ObservedContainer> live = reached.route().flatMap(ProxyRoute::container)
                .flatMap(colour -> container(reached, colour));
        String next = live.map(c -> other(service, c.name())).orElseGet(() -> unusedColour(service, reached));
        Optional<ObservedContainer> idle = container(reached, live.isPresent() ? next : "");
        // A live colour on the desired digest whose configuration differs is replaced like one on another digest.
        boolean liveOnTarget = live.filter(ObservedContainer::running)
                .filter(c -> c.digest().equals(Optional.of(target.digest()))).isPresent()
                && drift.status() != DropletStatus.CONFIG_DRIFT;

        if (liveOnTarget && drift.status() == DropletStatus.IN_SYNC) {
            return idle.map(leftover -> cleanup(state, spec, live.get(), leftover, proxy));
        }
        if (liveOnTarget && reached.intent().isPresent() && idle.filter(ObservedContainer::running).isPresent()) {
            return Optional.of(resumed(state, spec, drift, live.get(), idle.get(), proxy, timing));
        }
        if (liveOnTarget) {
            return Optional.empty(); // unhealthy on the desired digest: reported, not replaced by the same image
        }
        List<Step> steps = new ArrayList<>();
        container(reached, next).ifPresent(stale -> steps.add(new Step.RemoveContainer(name, stale.name(),
                PreviousContainers.grace(state, state.service()))));
        steps.add(new Step.StartColour(name, containers.colour(spec, next, target, Optional.of(target.digest()),
                new Containers.Replaces(live.map(PreviousContainers::image), live.flatMap(ObservedContainer::digest)))));
        steps.add(new Step.AwaitColourHealthy(name, next, state.rollout().healthTimeout()));
        steps.add(new Step.SwitchProxy(name, next));
        steps.add(new Step.AwaitProxyRoute(name, next, ROUTE_DEADLINE));
        steps.add(new Step.VerifyColour(name, next, Optional.of(target.digest())));
        live.ifPresent(old -> {
            steps.add(new Step.AwaitOldRequests(name, proxy.drainTimeout()));
            steps.add(new Step.RemoveContainer(name, old.name(), PreviousContainers.grace(state, state.service())));
        });
        steps.add(new Step.PruneImages(name, state.service().name(), target, state.rollout().keepImages()));
        List<Step> rollback = live.filter(ObservedContainer::running)
                .filter(old -> state.rollout().autoRollback())
                .map(old -> switchBack(state, name, old.name(), next, proxy))
                .orElseGet(() -> state.rollout().autoRollback()
                        ? List.of(new Step.RemoveContainer(name, next, PreviousContainers.grace(state, state.service())))
                        : List.of());
        String why = drift.status() + ": " + drift.reason() + "; " + next + " starts beside "
                + live.map(ObservedContainer::name).orElse("nothing live");
        return Optional.of(new DropletPlan(name, why, live.flatMap(ObservedContainer::digest),
                live.map(PreviousContainers::image), target.digest(), steps, rollback, false, timing.perDroplet()));
    }

    /** Back to {@code old}: the proxy first, then the new colour goes once nothing is sent to it. */
    private static List<Step> switchBack(DesiredState state, String droplet, String old, String next, ProxySpec proxy) {
        return List.of(
                new Step.SwitchProxy(droplet, old),
                new Step.AwaitProxyRoute(droplet, old, ROUTE_DEADLINE),
                new Step.AwaitOldRequests(droplet, proxy.drainTimeout()),
                new Step.RemoveContainer(droplet, next, PreviousContainers.grace(state, state.service())));
    }

    /** The live colour is in sync; the idle one, left by an apply that did not finish, goes. */
    private static DropletPlan cleanup(DesiredState state, DropletSpec spec, ObservedContainer live,
            ObservedContainer idle, ProxySpec proxy) {
        String name = spec.name();
        List<Step> steps = List.of(
                new Step.AwaitOldRequests(name, proxy.drainTimeout()),
                new Step.RemoveContainer(name, idle.name(), PreviousContainers.grace(state, state.service())));
        return new DropletPlan(name, "IN_SYNC, but " + idle.name() + " is left from an apply that did not finish",
                live.digest(), Optional.of(PreviousContainers.image(live)), state.desiredImage(spec).digest(), steps,
                List.of(), true, proxy.drainTimeout());
    }

    /**
     * An apply switched the proxy to the desired digest and died before verifying it: the new
     * colour gets its health timeout to pass; if it does not, the proxy goes back to the idle one.
     */
    private static DropletPlan resumed(DesiredState state, DropletSpec spec, DropletDrift drift, ObservedContainer live,
            ObservedContainer idle, ProxySpec proxy, BalancerTiming timing) {
        String name = spec.name();
        String digest = state.desiredImage(spec).digest();
        List<Step> rollback = state.rollout().autoRollback()
                ? switchBack(state, name, idle.name(), live.name(), proxy) : List.of();
        List<Step> steps = List.of(
                new Step.AwaitColourHealthy(name, live.name(), state.rollout().healthTimeout()),
                new Step.VerifyColour(name, live.name(), Optional.of(digest)),
                new Step.AwaitOldRequests(name, proxy.drainTimeout()),
                new Step.RemoveContainer(name, idle.name(), PreviousContainers.grace(state, state.service())),
                new Step.PruneImages(name, state.service().name(), state.desiredImage(spec), state.rollout().keepImages()));
        return new DropletPlan(name, drift.status() + ": " + drift.reason() + "; an apply switched to " + live.name()
                + " and did not finish, " + idle.name() + " is still there to go back to", idle.digest(),
                Optional.of(PreviousContainers.image(idle)), digest, steps, rollback, true, timing.perDroplet());
    }

    private static Optional<ObservedContainer> container(DropletObservation.Reached reached, String name) {
        return reached.containers().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static String other(String service, String colour) {
        return colour.equals(ProxySpec.colour(service, ProxySpec.BLUE))
                ? ProxySpec.colour(service, ProxySpec.GREEN) : ProxySpec.colour(service, ProxySpec.BLUE);
    }

    /**
     * With no live colour (a first apply, or a proxy that sends requests elsewhere), either colour
     * may be (re)made, since nothing is sent to it: one that does not exist, else one not running.
     */
    private static String unusedColour(String service, DropletObservation.Reached reached) {
        String blue = ProxySpec.colour(service, ProxySpec.BLUE);
        String green = ProxySpec.colour(service, ProxySpec.GREEN);
        Optional<ObservedContainer> b = container(reached, blue);
        Optional<ObservedContainer> g = container(reached, green);
        if (b.isEmpty() || g.isEmpty()) {
            return b.isEmpty() ? blue : green;
        }
        return b.get().running() && !g.get().running() ? green : blue;
    }
}
