package dev.fleet.plan;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ServiceRole;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.ServiceDrift;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.ObservedContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts the services a droplet runs beside the fronted one into the droplet's turn. Pure.
 *
 * <ul>
 *   <li>A droplet's turn handles every service of it that changes, in the state's roll order, so
 *       that it leaves rotation once per apply, not once per service; only a turn in which the
 *       fronted service changes drains it. A turn of workers and accessories alone never drains.
 *   <li>Each such service is stopped with its grace, started on its new image, and waited for until
 *       it counts as healthy ({@link Step.AwaitRunning}). Services before the fronted one in roll
 *       order go once the droplet is drained, the others once the fronted one is healthy again,
 *       before the droplet returns to rotation.
 *   <li>A failure undoes the turn as a whole: the rollback puts every service of it back on what it
 *       ran, in reverse order, then the fronted one, then returns the droplet to rotation. An
 *       accessory is never rolled back over its data: its rollback is empty, and the rollout stops.
 *   <li>An accessory is replaced only in an apply in which no app changes, unless asked: replacing
 *       a database while the apps that use it roll is what an operator must choose to do. One that
 *       is missing is started in any apply: there is nothing of it to replace, and apps need it.
 * </ul>
 */
final class ServiceTurns {

    private ServiceTurns() {}

    /** A service of a droplet that changes in its turn, and the container it runs now. */
    record Change(ServiceSpec service, ServiceDrift drift, Optional<ObservedContainer> current) {}

    /** Whether a service's container, the fronted one's too, must be replaced: a sick one that runs the desired digest is not. */
    static boolean changes(DropletStatus status) {
        return switch (status) {
            case IMAGE_DRIFT, CONFIG_DRIFT, MISSING, STOPPED -> true;
            case IN_SYNC, UNHEALTHY, UNREACHABLE -> false;
        };
    }

    /** Whether any app (the fronted service, or a worker) changes anywhere: accessories then wait. */
    static boolean appsChange(List<DropletDrift> droplets) {
        return droplets.stream().anyMatch(d -> changes(d.status())
                || d.services().stream().anyMatch(s -> s.role() != ServiceRole.ACCESSORY && changes(s.status())));
    }

    /** The droplet's other services that change in this apply, in roll order. */
    static List<Change> changes(DesiredState state, DropletDrift drift, DropletObservation observation,
            boolean accessories) {
        List<Change> changes = new ArrayList<>();
        for (ServiceDrift service : drift.services()) {
            if (!changes(service.status()) || !accessories && waits(service)) {
                continue;
            }
            Optional<ObservedContainer> current = observation instanceof DropletObservation.Reached reached
                    ? reached.containers().stream().filter(c -> c.name().equals(service.service())).findFirst()
                    : Optional.empty();
            changes.add(new Change(state.service(service.service()).orElseThrow(), service, current));
        }
        return changes;
    }

    /** Whether {@code service} is an accessory whose container would be replaced: what waits while apps change. */
    private static boolean waits(ServiceDrift service) {
        return service.role() == ServiceRole.ACCESSORY && service.status() != DropletStatus.MISSING;
    }

    /** Accessories that differ on {@code drift}'s droplet but wait for an apply of their own. */
    static List<String> deferredAccessories(DropletDrift drift) {
        return drift.services().stream().filter(s -> waits(s) && changes(s.status()))
                .map(s -> "accessory " + s.service() + " on " + drift.droplet() + " (" + s.status() + "), replaced in an"
                        + " apply in which no app changes, or with --with-accessories").toList();
    }

    /**
     * The droplet's turn: {@code fronted}'s plan with {@code changes} in it, or a turn of {@code
     * changes} alone; empty when there is nothing to do.
     */
    static Optional<DropletPlan> turn(Containers containers, DropletSpec spec, Optional<DropletPlan> fronted,
            List<Change> changes) {
        if (changes.isEmpty()) {
            return fronted;
        }
        DesiredState state = containers.state();
        int frontedAt = state.servicesOn(spec).indexOf(state.service());
        List<Change> before = changes.stream().filter(c -> state.servicesOn(spec).indexOf(c.service()) < frontedAt)
                .toList();
        List<Change> after = changes.stream().filter(c -> !before.contains(c)).toList();
        String why = changes.stream().map(c -> c.service().name() + ": " + c.drift().status() + ": " + c.drift().reason())
                .reduce((a, b) -> a + "; " + b).orElseThrow();
        Duration extra = changes.stream().map(c -> c.service().minUptime()).reduce(Duration.ZERO, Duration::plus);
        if (fronted.isEmpty()) {
            Change first = changes.getFirst();
            List<Step> steps = new ArrayList<>(forward(containers, spec, changes));
            steps.addAll(prunes(containers, spec, changes));
            return Optional.of(new DropletPlan(spec.name(), why, first.current().flatMap(ObservedContainer::digest),
                    first.current().map(PreviousContainers::image), target(state, spec, first).digest(), steps,
                    rollback(containers, spec, changes), false, extra));
        }
        DropletPlan plan = fronted.get();
        List<Step> steps = new ArrayList<>(plan.steps());
        steps.addAll(undrainAt(steps), forward(containers, spec, after));
        steps.addAll(replaceAt(steps, state.service().name()), forward(containers, spec, before));
        steps.addAll(prunes(containers, spec, changes));
        List<Step> rollback = new ArrayList<>(plan.rollback());
        rollback.addAll(replaceAt(rollback, state.service().name()), rollback(containers, spec, changes));
        return Optional.of(new DropletPlan(plan.droplet(), plan.why() + "; " + why, plan.fromDigest(),
                plan.fromImage(), plan.toDigest(), steps, rollback, plan.swapped(), plan.estimate().plus(extra)));
    }

    private static List<Step> forward(Containers containers, DropletSpec spec, List<Change> changes) {
        DesiredState state = containers.state();
        List<Step> steps = new ArrayList<>();
        for (Change change : changes) {
            ServiceSpec service = change.service();
            ImageRef target = target(state, spec, change);
            if (change.current().isPresent()) {
                steps.add(new Step.RemoveContainer(spec.name(), service.name(), PreviousContainers.grace(state, service)));
            }
            steps.add(new Step.StartContainer(spec.name(), containers.service(spec, service, target,
                    Optional.of(target.digest()), new Containers.Replaces(change.current().map(PreviousContainers::image),
                            change.current().flatMap(ObservedContainer::digest)))));
            steps.add(awaitRunning(state, spec, service));
        }
        return steps;
    }

    /**
     * Every service of the turn back on the container it ran, in reverse roll order; one that had
     * none is only removed, and an accessory is left as it is.
     */
    private static List<Step> rollback(Containers containers, DropletSpec spec, List<Change> changes) {
        DesiredState state = containers.state();
        List<Step> steps = new ArrayList<>();
        for (Change change : changes.reversed()) {
            ServiceSpec service = change.service();
            if (service.role() == ServiceRole.ACCESSORY) {
                continue;
            }
            steps.add(new Step.RemoveContainer(spec.name(), service.name(), PreviousContainers.grace(state, service)));
            if (change.current().isEmpty() || !state.rollout().autoRollback()) {
                continue;
            }
            ObservedContainer current = change.current().get();
            var image = PreviousContainers.image(current);
            steps.add(new Step.StartContainer(spec.name(), current.config()
                    .map(config -> containers.previous(service, image, current.digest(), config))
                    .orElseGet(() -> containers.service(spec, service, image, current.digest(),
                            Containers.Replaces.NOTHING))));
            steps.add(awaitRunning(state, spec, service));
        }
        return steps;
    }

    private static List<Step> prunes(Containers containers, DropletSpec spec, List<Change> changes) {
        DesiredState state = containers.state();
        return changes.stream().<Step>map(c -> new Step.PruneImages(spec.name(), c.service().name(),
                target(state, spec, c), state.rollout().keepImages())).toList();
    }

    private static Step awaitRunning(DesiredState state, DropletSpec spec, ServiceSpec service) {
        return new Step.AwaitRunning(spec.name(), service.name(), service.minUptime(),
                state.rollout().healthTimeout().plus(service.minUptime()));
    }

    private static ImageRef target(DesiredState state, DropletSpec spec, Change change) {
        return state.desiredImage(spec, change.service());
    }

    /** Where the fronted service's container is first replaced (or, in a turn an apply left, where its steps begin). */
    private static int replaceAt(List<Step> steps, String fronted) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.RemoveContainer r && r.container().equals(fronted)
                    || steps.get(i) instanceof Step.StartContainer s && s.container().name().equals(fronted)) {
                return i;
            }
        }
        return 0;
    }

    /** Whether every step of {@code plan} is about a service other than {@code fronted}: a turn without a drain. */
    static boolean othersOnly(DropletPlan plan, String fronted) {
        return plan.steps().stream().allMatch(step -> switch (step) {
            case Step.RemoveContainer r -> !r.container().equals(fronted);
            case Step.StartContainer s -> !s.container().name().equals(fronted);
            case Step.AwaitRunning r -> true;
            case Step.PruneImages p -> !p.service().equals(fronted);
            default -> false;
        });
    }

    /** Where the droplet returns to rotation: after every service of the turn is healthy. */
    private static int undrainAt(List<Step> steps) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.Undrain) {
                return i;
            }
        }
        return steps.size();
    }
}
