package dev.fleet.apply;

import dev.fleet.apply.ApplyFailure.DropletProblem;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
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
        // Platform threads: see FleetObserver (virtual ones can starve behind blocked SSH reads).
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
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
        for (DropletPlan droplet : plan.droplets()) {
            DropletSpec spec = state.droplet(droplet.droplet());
            connecting.put(droplet.droplet(), pool.submit(() -> sessions.open(spec)));
        }
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
        Map<Step.PullImage, Future<StepRecord>> pulls = new LinkedHashMap<>();
        for (Step step : plan.preflight()) {
            if (step instanceof Step.PullImage pull) {
                DropletSession session = open.get(pull.droplet());
                pulls.put(pull, pool.submit(() -> actions.timed(pull, () -> {
                    session.pull(pull.image());
                    if (!session.hasImage(pull.image())) {
                        throw new ApplyException("the image is still missing after the pull");
                    }
                })));
            }
        }
        List<DropletProblem> problems = new ArrayList<>();
        for (var entry : pulls.entrySet()) {
            try {
                StepRecord record = entry.getValue().get();
                records.add(record);
                record.failure().ifPresent(f -> problems.add(new DropletProblem(entry.getKey().droplet(), f)));
            } catch (ExecutionException e) {
                problems.add(new DropletProblem(entry.getKey().droplet(), String.valueOf(e.getCause())));
            }
        }
        return problems;
    }
}
