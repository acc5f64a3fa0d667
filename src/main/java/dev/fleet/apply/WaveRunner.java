package dev.fleet.apply;

import dev.fleet.plan.DropletPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Performs the turns of one wave, up to {@code parallel} at once, in the wave's order: the first
 * {@code parallel} start together. Once a turn ends badly no further turn starts (those under way
 * finish theirs: a turn is never abandoned half-way, it ends converged or undone). One at a time
 * runs on the caller's thread.
 */
final class WaveRunner {

    /** One droplet's turn. */
    @FunctionalInterface
    interface Turn {
        DropletOutcome perform(DropletPlan droplet) throws InterruptedException;
    }

    private WaveRunner() {}

    /**
     * @param good whether a turn's outcome lets the others go on
     * @return an outcome for each droplet of {@code wave}, in its order: a turn never started is
     *         {@link DropletOutcome.Result#SKIPPED}
     */
    static List<DropletOutcome> run(List<DropletPlan> wave, int parallel, Turn turn, Predicate<DropletOutcome> good)
            throws InterruptedException {
        if (parallel == 1 || wave.size() == 1) {
            List<DropletOutcome> outcomes = new ArrayList<>();
            boolean stopped = false;
            for (DropletPlan droplet : wave) {
                DropletOutcome outcome = stopped ? DropletTurn.skipped(droplet) : turn.perform(droplet);
                stopped |= !good.test(outcome);
                outcomes.add(outcome);
            }
            return outcomes;
        }
        return inParallel(wave, parallel, turn, good);
    }

    private static List<DropletOutcome> inParallel(List<DropletPlan> wave, int parallel, Turn turn,
            Predicate<DropletOutcome> good) throws InterruptedException {
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, wave.size()),
                task -> new Thread(task, "fleet-turn-" + threads.incrementAndGet()));
        try {
            List<Future<DropletOutcome>> turns = new ArrayList<>();
            for (int i = 0; i < wave.size(); i++) {
                DropletPlan droplet = wave.get(i);
                // The first `parallel` turns start together, whichever thread gets going first; only
                // those waiting for a free slot look at a failure. The pool takes them in order, so at
                // most `parallel` turns run and the wave's order holds.
                boolean startsTogether = i < parallel;
                turns.add(pool.submit(() -> {
                    if (!startsTogether && stopped.get()) {
                        return DropletTurn.skipped(droplet);
                    }
                    DropletOutcome outcome = turn.perform(droplet);
                    if (!good.test(outcome)) {
                        stopped.set(true);
                    }
                    return outcome;
                }));
            }
            List<DropletOutcome> outcomes = new ArrayList<>();
            for (Future<DropletOutcome> future : turns) {
                outcomes.add(outcome(future));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static DropletOutcome outcome(Future<DropletOutcome> turn) throws InterruptedException {
        try {
            return turn.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case InterruptedException interrupted -> throw interrupted;
                case RuntimeException unexpected -> throw unexpected;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }
}
