package dev.fleet.plan;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.Health;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.ObservedConfig;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.RolloutIntent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns drift into a plan, or refuses. Pure: nothing here touches a droplet.
 *
 * <ul>
 *   <li>A droplet changes when it runs another digest, has no container, or its container is
 *       stopped. A droplet that runs the right digest but is unhealthy is not touched: replacing a
 *       container with the same image rarely cures it, and it stays a problem to report.
 *   <li>Every droplet must be reachable: one that cannot be seen cannot be counted.
 *   <li>Droplets already out of rotation count against {@code max-unavailable}. Those that will be
 *       changed go first (draining them costs no capacity); if the rest already spend the budget and
 *       a droplet in rotation would have to be drained, the plan is refused.
 *   <li>One droplet at a time, in the state's order after those.
 *   <li>A droplet where an apply that did not finish left its intent is taken up where that apply
 *       stopped: one that runs the desired digest but is out of rotation or unhealthy (the apply
 *       swapped it, then died) is brought back, and rolled back if it does not get healthy; its
 *       rollback goes to what it ran before that apply, which the intent names. Without an intent,
 *       such a droplet is left as it is: someone else took it out.
 *   <li>A blue-green fleet's droplets never leave rotation: {@link BlueGreenPlanner} plans each.
 * </ul>
 *
 * <p>Each start step carries its whole container ({@link ContainerSpec}): image, ports,
 * environment, restart policy and labels, fleet's own included, so the executor only performs it.
 */
public final class Planner {

    private Planner() {}

    /**
     * @param run the run id of the apply that will perform the plan: the containers it starts carry it
     *            ({@link FleetLabels#ROLLOUT}), and so must the intents that apply records
     */
    public static PlanOutcome plan(DesiredState state, FleetObservation observation, DriftReport drift, String run,
            BalancerRules balancer) {
        return plan(state, observation, drift, run, balancer, PlanOptions.DEFAULT);
    }

    /** @param options what the operator asked beyond the state: accessories with apps, leftovers pruned */
    public static PlanOutcome plan(DesiredState state, FleetObservation observation, DriftReport drift, String run,
            BalancerRules balancer, PlanOptions options) {
        Containers containers = new Containers(state, run);
        Map<String, DropletDrift> drifts = drift.droplets().stream()
                .collect(Collectors.toMap(DropletDrift::droplet, Function.identity()));
        Map<String, DropletObservation> observed = observation.droplets().stream()
                .collect(Collectors.toMap(DropletObservation::droplet, Function.identity()));
        BalancerTiming timing = balancer.timing(state.health(), state.rollout());
        List<String> reasons = new ArrayList<>();

        drift.balancerProblem().flatMap(balancer::refusalWhenUnreadable).ifPresent(reasons::add);
        List<DropletPlan> soaks = new ArrayList<>();
        List<DropletPlan> down = new ArrayList<>();
        List<DropletPlan> inRotation = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> downAndKept = new ArrayList<>();
        List<String> deferred = new ArrayList<>();
        boolean accessories = options.withAccessories() || !ServiceTurns.appsChange(drift.droplets());
        for (DropletSpec spec : state.droplets()) {
            DropletDrift d = drifts.get(spec.name());
            if (d.status() == DropletStatus.UNREACHABLE) {
                // Unseen, so left as it is; it may be down, so it counts against the budget as out of rotation.
                if (!state.rollout().blueGreen()) {
                    downAndKept.add(spec.name() + " (" + d.reason() + ")");
                }
                continue;
            }
            if (state.rollout().blueGreen()) {
                // Nothing leaves rotation: no budget to count, each droplet as its proxy and engine say.
                Optional<DropletPlan> plan = BlueGreenPlanner.plan(containers, spec, d,
                        (DropletObservation.Reached) observed.get(spec.name()), timing);
                plan.ifPresentOrElse(p -> (servesTraffic(d) ? inRotation : down).add(p), () -> unchanged.add(spec.name()));
                continue;
            }
            Optional<RolloutIntent> interrupted = intent(observed.get(spec.name()));
            if (soaking(state, spec, d, interrupted)) {
                soaks.add(resumedSoak(containers, spec, d, interrupted.get(), timing));
                continue;
            }
            boolean resumes = !changes(d) && interrupted.isPresent() && d.status() == DropletStatus.UNHEALTHY;
            Optional<DropletPlan> fronted = Optional.empty();
            if (resumes) {
                fronted = Optional.of(resumed(containers, spec, d, interrupted.get(), timing));
            } else if (changes(d)) {
                Optional<ObservedContainer> current = serviceContainer(observed.get(spec.name()), state.service().name());
                fronted = Optional.of(dropletPlan(containers, spec, d, rollbackSource(current, interrupted), timing));
            }
            Optional<DropletPlan> turn = ServiceTurns.turn(containers, spec, fronted,
                    ServiceTurns.changes(state, d, observed.get(spec.name()), accessories));
            if (!accessories) {
                deferred.addAll(ServiceTurns.deferredAccessories(d));
            }
            if (options.prune()) {
                turn = Leftovers.prune(state, d, turn);
            } else {
                deferred.addAll(Leftovers.notes(d));
            }
            if (fronted.isEmpty()) {
                turn.ifPresentOrElse(down::add, () -> unchanged.add(spec.name())); // no drain: no budget spent
                if (!servesTraffic(d)) {
                    downAndKept.add(spec.name() + " (" + d.status() + ": " + d.reason() + ")");
                }
                continue;
            }
            (servesTraffic(d) && !resumes ? inRotation : down).add(turn.orElseThrow());
        }
        overBudget(state, inRotation, downAndKept).ifPresent(reasons::add);
        down.addAll(0, soaks);
        Plan plan = assemble(containers, down, inRotation, unchanged, balancer, deferred, downAndKept.size(),
                soaks.size());
        return reasons.isEmpty() ? new PlanOutcome.Ready(plan) : new PlanOutcome.Refused(reasons, plan);
    }

    /** Why draining a droplet in rotation would take more out than max-unavailable allows, if it would. */
    private static Optional<String> overBudget(DesiredState state, List<DropletPlan> inRotation,
            List<String> downAndKept) {
        int budget = state.rollout().maxUnavailable();
        if (inRotation.isEmpty() || downAndKept.size() < budget) {
            return Optional.empty();
        }
        return Optional.of("max-unavailable is " + budget + " and " + String.join(", ", downAndKept)
                + (downAndKept.size() == 1 ? " is" : " are") + " already out of rotation: draining "
                + inRotation.getFirst().droplet() + " would take more droplets out than allowed. Bring "
                + (downAndKept.size() == 1 ? "it" : "them") + " back first, or raise rollout.max-unavailable");
    }

    /** The droplets out of rotation first, then those in it; every one's image pulled before any drain. */
    private static Plan assemble(Containers containers, List<DropletPlan> down, List<DropletPlan> inRotation,
            List<String> unchanged, BalancerRules balancer, List<String> deferred, int alreadyOut, int soaking) {
        DesiredState state = containers.state();
        List<DropletPlan> ordered = new ArrayList<>(down);
        ordered.addAll(inRotation);
        List<PlannedHook> hooks = Hooked.hooks(containers, ordered);
        List<Step> preflight = new ArrayList<>(ordered.stream().flatMap(p -> pulls(state, p).stream()).toList());
        preflight.addAll(Hooked.pulls(hooks, preflight));
        Waves waves = Waves.of(state.rollout(), ordered.size(), alreadyOut, soaking);
        return new Plan(state.service().name(), state.revision(), preflight, ordered, unchanged,
                waves.estimate(ordered), balancer, deferred, hooks, waves);
    }

    /**
     * The images a droplet's turn starts: the fronted service's unless the turn is about other
     * services alone, and every other service's it starts on the way forward.
     */
    private static List<Step> pulls(DesiredState state, DropletPlan plan) {
        List<Step> pulls = new ArrayList<>();
        if (!ServiceTurns.othersOnly(plan, state.service().name())) {
            pulls.add(new Step.PullImage(plan.droplet(), state.desiredImage(state.droplet(plan.droplet()))));
        }
        plan.steps().stream().filter(s -> s instanceof Step.StartContainer).map(s -> ((Step.StartContainer) s).container())
                .filter(c -> !c.name().equals(state.service().name()) && c.image() instanceof ImageRef)
                .forEach(c -> pulls.add(new Step.PullImage(plan.droplet(), (ImageRef) c.image())));
        return pulls;
    }

    private static boolean changes(DropletDrift drift) {
        return ServiceTurns.changes(drift.status());
    }

    /** Whether the droplet takes traffic now: it counts against the budget once drained. */
    private static boolean servesTraffic(DropletDrift drift) {
        boolean running = drift.status() == DropletStatus.IN_SYNC || drift.status() == DropletStatus.IMAGE_DRIFT
                || drift.status() == DropletStatus.CONFIG_DRIFT;
        boolean balancerHasIt = drift.balancer().map(s -> s.startsWith("UP")).orElse(true);
        return running && drift.health() == Health.HEALTHY && balancerHasIt;
    }

    private static DropletPlan dropletPlan(Containers containers, DropletSpec spec, DropletDrift drift,
            RollbackSource source, BalancerTiming timing) {
        DesiredState state = containers.state();
        String name = spec.name();
        String service = state.service().name();
        ImageRef target = state.desiredImage(spec);
        List<Step> steps = new ArrayList<>(List.of(
                new Step.Drain(name),
                new Step.AwaitDrained(name, timing.drainDeadline())));
        if (source.containerPresent()) {
            steps.add(new Step.RemoveContainer(name, service, PreviousContainers.grace(state, state.service())));
        }
        steps.add(new Step.StartContainer(name, containers.service(spec, target, Optional.of(target.digest()),
                new Containers.Replaces(source.image(), source.digest()))));
        steps.addAll(comeBack(state, name, Optional.of(target.digest()), timing));
        steps.add(new Step.PruneImages(name, state.service().name(), target, state.rollout().keepImages()));
        return new DropletPlan(name, drift.status() + ": " + drift.reason() + source.note(), source.digest(),
                source.image(), target.digest(), steps, rollback(containers, name, source, timing), false,
                timing.perDroplet());
    }

    /**
     * A droplet an apply swapped and then left (killed, or its machine lost): it runs the desired
     * digest but is out of rotation or unhealthy. The steps bring it back; the rollback goes to what
     * it ran before that apply.
     */
    private static DropletPlan resumed(Containers containers, DropletSpec spec, DropletDrift drift,
            RolloutIntent intent, BalancerTiming timing) {
        DesiredState state = containers.state();
        String name = spec.name();
        String desired = state.desiredImage(spec).digest();
        RollbackSource source = new RollbackSource(true, intent.fromImage().map(ImageSource::fromReference),
                intent.fromDigest(), "; run "
                + intent.run() + " swapped it and did not finish (its last step: " + intent.step() + ")");
        List<Step> steps = new ArrayList<>(comeBack(state, name, Optional.of(desired), timing));
        steps.add(new Step.PruneImages(name, state.service().name(), state.desiredImage(spec), state.rollout().keepImages()));
        return new DropletPlan(name, drift.status() + ": " + drift.reason() + source.note(), source.digest(), source.image(),
                desired, steps, rollback(containers, name, source, timing), true, timing.perDroplet());
    }

    /** Whether the droplet is a canary, in sync, that an apply which died left in its soak. */
    private static boolean soaking(DesiredState state, DropletSpec spec, DropletDrift drift,
            Optional<RolloutIntent> intent) {
        return state.rollout().canary().isPresent() && drift.status() == DropletStatus.IN_SYNC && intent.filter(i ->
                i.step().equals(RolloutIntent.SOAK) && i.toDigest().equals(state.desiredImage(spec).digest())).isPresent();
    }

    /** Such a canary: nothing to do but soak it again, and its way back is to what it ran before that apply. */
    private static DropletPlan resumedSoak(Containers containers, DropletSpec spec, DropletDrift drift,
            RolloutIntent intent, BalancerTiming timing) {
        RollbackSource source = new RollbackSource(true, intent.fromImage().map(ImageSource::fromReference),
                intent.fromDigest(), "; run " + intent.run() + " did not finish its canary's soak here: soaked again");
        return new DropletPlan(spec.name(), drift.status() + source.note(), source.digest(), source.image(),
                intent.toDigest(), List.of(), rollback(containers, spec.name(), source, timing), true, Duration.ZERO);
    }

    /**
     * The steps back to the previous image. They drain first: the new container may have failed
     * after it went back into rotation (its verification), and it must not be removed while it
     * takes traffic.
     */
    private static List<Step> rollback(Containers containers, String name, RollbackSource source,
            BalancerTiming timing) {
        DesiredState state = containers.state();
        List<Step> rollback = new ArrayList<>(List.of(
                new Step.Drain(name),
                new Step.AwaitDrained(name, timing.drainDeadline()),
                new Step.RemoveContainer(name, state.service().name(), PreviousContainers.grace(state, state.service()))));
        if (state.rollout().autoRollback() && source.image().isPresent()) {
            ImageSource image = source.image().get();
            // The container it ran, as its engine reported it; the state's settings only when that
            // container is gone (an apply that did not finish removed it).
            rollback.add(new Step.StartContainer(name, source.config()
                    .map(config -> containers.previous(image, source.digest(), config))
                    .orElseGet(() -> containers.service(state.droplet(name), image, source.digest(),
                            Containers.Replaces.NOTHING))));
            rollback.addAll(comeBack(state, name, source.digest(), timing));
        }
        return rollback;
    }


    /**
     * What a failed droplet goes back to.
     *
     * @param containerPresent whether the service has a container there now (to remove first)
     * @param image            what to start again, when there is something
     * @param digest           its registry digest, when known
     * @param note             how it was found, for the plan's reason ("" in the usual case)
     * @param config           how that container was set up, when it is there to be read
     */
    private record RollbackSource(boolean containerPresent, Optional<ImageSource> image, Optional<String> digest,
            String note, Optional<ObservedConfig> config) {

        RollbackSource(boolean containerPresent, Optional<ImageSource> image, Optional<String> digest, String note) {
            this(containerPresent, image, digest, note, Optional.empty());
        }
    }

    /**
     * Usually the container the droplet runs now. Where an apply that did not finish left its
     * intent, and the container now there is not a running one of fleet's from before that apply
     * (it is missing, stopped, or the dead apply's own), what the intent says the droplet ran before.
     */
    private static RollbackSource rollbackSource(Optional<ObservedContainer> current, Optional<RolloutIntent> intent) {
        boolean leftByIntent = intent.isPresent() && (current.isEmpty() || !current.get().running()
                || intent.get().run().equals(current.get().labels().get(FleetLabels.ROLLOUT)));
        if (leftByIntent) {
            RolloutIntent i = intent.get();
            return new RollbackSource(current.isPresent(), i.fromImage().map(ImageSource::fromReference),
                    i.fromDigest(), "; run " + i.run()
                    + " did not finish here (its last step: " + i.step() + "), a failure goes back to what it ran before"
                    + " that run");
        }
        return current.map(c -> new RollbackSource(true, Optional.of(PreviousContainers.image(c)), c.digest(), "", c.config()))
                .orElseGet(() -> new RollbackSource(false, Optional.empty(), Optional.empty(), ""));
    }

    private static Optional<RolloutIntent> intent(DropletObservation observation) {
        return observation instanceof DropletObservation.Reached reached ? reached.intent() : Optional.empty();
    }

    /**
     * From a started container to a droplet back in rotation. A balancer that is asked (HAProxy)
     * has the droplet verified once it says the droplet is back. Where the return is a wait (a
     * health-check balancer: a settle time after it is back), during which the executor keeps
     * probing the app, the droplet is verified first, and the wait then ends the droplet's turn, so
     * no idle time follows it.
     */
    private static List<Step> comeBack(DesiredState state, String name, Optional<String> digest, BalancerTiming timing) {
        Step healthy = new Step.AwaitHealthy(name, state.rollout().healthTimeout());
        Step undrain = new Step.Undrain(name);
        Step back = new Step.AwaitInRotation(name, timing.inRotationDeadline());
        Step verify = new Step.Verify(name, digest);
        return timing.settleAfterInRotation().isPositive()
                ? List.of(healthy, undrain, verify, back)
                : List.of(healthy, undrain, back, verify);
    }



    private static Optional<ObservedContainer> serviceContainer(DropletObservation observation, String service) {
        if (observation instanceof DropletObservation.Reached reached) {
            return reached.containers().stream().filter(c -> c.name().equals(service)).findFirst();
        }
        return Optional.empty();
    }
}
