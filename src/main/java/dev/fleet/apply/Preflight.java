package dev.fleet.apply;

import dev.fleet.apply.ApplyFailure.DropletProblem;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.observed.FleetObserver;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import dev.fleet.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Before anything is drained: a session on every droplet that changes, and its image pulled there,
 * all in parallel. If any droplet cannot be reached or lacks the image afterwards, nothing is drained.
 */
final class Preflight {

    private final DesiredState state;
    private final DropletSessions sessions;
    private final StepActions actions;

    Preflight(DesiredState state, DropletSessions sessions, StepActions actions) {
        this.state = state;
        this.sessions = sessions;
        this.actions = actions;
    }

    /**
     * @param open    filled with the sessions opened, by droplet, for the caller to use and close
     * @param records filled with the pulls performed
     * @return why the apply must not go on, if it must not
     */
    Optional<ApplyFailure> run(Plan plan, Map<String, DropletSession> open, List<StepRecord> records)
            throws InterruptedException {
        // Platform threads: see FleetObserver (virtual ones can starve behind blocked SSH reads); as
        // many connections made at once as it makes.
        try (ExecutorService pool = Executors.newFixedThreadPool(FleetObserver.AT_ONCE,
                Thread.ofPlatform().daemon().factory())) {
            List<DropletProblem> problems = connect(plan, pool, open);
            if (problems.isEmpty()) {
                problems = pull(plan, pool, open, records);
            }
            return problems.isEmpty() ? Optional.empty() : Optional.of(new ApplyFailure.PreflightFailed(problems));
        }
    }

    private List<DropletProblem> connect(Plan plan, ExecutorService pool, Map<String, DropletSession> open)
            throws InterruptedException {
        Map<String, Future<DropletSession>> connecting = new LinkedHashMap<>();
        // Every droplet that changes, and any other a pull is for (where a deploy hook runs).
        Stream.concat(plan.droplets().stream().map(DropletPlan::droplet), plan.preflight().stream().map(Step::droplet))
                .distinct().forEach(name -> {
                    DropletSpec spec = state.droplet(name);
                    connecting.put(name, pool.submit(() -> sessions.open(spec)));
                });
        List<DropletProblem> problems = new ArrayList<>();
        for (var entry : connecting.entrySet()) {
            try {
                open.put(entry.getKey(), entry.getValue().get());
            } catch (ExecutionException e) {
                problems.add(new DropletProblem(entry.getKey(), e.getCause().getMessage()));
            }
        }
        return problems;
    }

    private List<DropletProblem> pull(Plan plan, ExecutorService pool, Map<String, DropletSession> open,
            List<StepRecord> records) throws InterruptedException {
        // Droplets in parallel; a droplet's own pulls (its services' images) one after the other, as
        // a session takes its calls.
        Map<String, List<Step.PullImage>> byDroplet = new LinkedHashMap<>();
        for (Step step : plan.preflight()) {
            if (step instanceof Step.PullImage pull) {
                byDroplet.computeIfAbsent(pull.droplet(), d -> new ArrayList<>()).add(pull);
            }
        }
        Map<String, Future<List<StepRecord>>> pulls = new LinkedHashMap<>();
        byDroplet.forEach((droplet, steps) -> pulls.put(droplet, pool.submit(() -> pullAll(open.get(droplet), steps))));
        List<DropletProblem> problems = new ArrayList<>();
        for (var entry : pulls.entrySet()) {
            try {
                for (StepRecord record : entry.getValue().get()) {
                    records.add(record);
                    record.failure().ifPresent(f -> problems.add(new DropletProblem(entry.getKey(), f)));
                }
            } catch (ExecutionException e) {
                problems.add(new DropletProblem(entry.getKey(), String.valueOf(e.getCause())));
            }
        }
        return problems;
    }

    private List<StepRecord> pullAll(DropletSession session, List<Step.PullImage> steps) throws InterruptedException {
        List<StepRecord> records = new ArrayList<>();
        for (Step.PullImage pull : steps) {
            records.add(actions.timed(pull, () -> {
                session.pull(pull.image());
                if (!session.hasImage(pull.image())) {
                    throw new ApplyException("the image is still missing after the pull");
                }
            }));
        }
        return records;
    }
}
