package dev.fleet.plan;

import dev.fleet.desired.CanarySpec;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.WaveSize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * How a plan's droplets are grouped: successive waves, each finished (every droplet converged)
 * before the next starts, and within a wave up to {@code parallel} droplets in their turns at once.
 * One droplet at a time is waves of one.
 *
 * @param sizes    how many of the plan's droplets, in order, each wave takes; they add up to all
 * @param parallel how many droplets of a wave may be in their turns at once (at least one)
 * @param canary   the soak of the first wave before the next starts; empty without a canary, or when
 *                 there is no next wave to hold back (unless the first wave is a soak an apply that
 *                 died left unfinished)
 */
public record Waves(List<Integer> sizes, int parallel, Optional<CanarySpec> canary) {

    public Waves {
        sizes = List.copyOf(sizes);
        if (canary.isPresent() && sizes.isEmpty()) {
            throw new IllegalArgumentException("a canary soaks a first wave");
        }
        if (parallel < 1 || sizes.stream().anyMatch(size -> size < 1)) {
            throw new IllegalArgumentException("waves " + sizes + ", " + parallel + " at once");
        }
    }

    /** {@code droplets} droplets, one after the other. */
    public static Waves oneAtATime(int droplets) {
        return new Waves(Collections.nCopies(droplets, 1), 1, Optional.empty());
    }

    /**
     * The waves {@code rollout} asks for over {@code droplets} droplets, when {@code alreadyOut}
     * droplets the plan does not bring back are out of rotation: they count against
     * max-unavailable, so fewer may be drained at once (never fewer than one; the planner refuses a
     * plan that would go over).
     */
    public static Waves of(RolloutPolicy rollout, int droplets, int alreadyOut) {
        return of(rollout, droplets, alreadyOut, 0);
    }

    /**
     * As {@link #of(RolloutPolicy, int, int)}, when the plan's first {@code soaking} droplets are
     * canaries an apply that died left in their soak: they are the first wave, the soak runs again
     * on them, and the waves after it follow the rollout's second size on.
     */
    public static Waves of(RolloutPolicy rollout, int droplets, int alreadyOut, int soaking) {
        if (!rollout.inWaves()) {
            return oneAtATime(droplets);
        }
        List<Integer> sizes = new ArrayList<>();
        if (soaking > 0) {
            sizes.add(soaking);
        }
        int left = droplets - soaking;
        for (int i = soaking > 0 ? 1 : 0; left > 0; i++) {
            WaveSize size = rollout.waves().get(Math.min(i, rollout.waves().size() - 1));
            int wave = Math.min(left, size.of(droplets));
            sizes.add(wave);
            left -= wave;
        }
        return new Waves(sizes, Math.max(1, rollout.maxUnavailable() - alreadyOut),
                rollout.canary().filter(canary -> sizes.size() > 1 || soaking > 0));
    }

    /** {@code droplets} (the plan's, in order) cut into the waves. */
    public <T> List<List<T>> split(List<T> droplets) {
        if (droplets.size() != sizes.stream().mapToInt(Integer::intValue).sum()) {
            throw new IllegalArgumentException(droplets.size() + " droplets for waves " + sizes);
        }
        List<List<T>> waves = new ArrayList<>();
        int from = 0;
        for (int size : sizes) {
            waves.add(List.copyOf(droplets.subList(from, from + size)));
            from += size;
        }
        return waves;
    }

    /** Whether any droplets roll side by side, or the rollout is strictly one droplet at a time. */
    public boolean sequential() {
        return parallel == 1 || sizes.stream().allMatch(size -> size == 1);
    }

    /**
     * The rollout's expected duration: each wave's droplets in groups of as many as roll at once, a
     * group as long as its longest turn.
     */
    Duration estimate(List<DropletPlan> droplets) {
        Duration total = Duration.ZERO;
        for (List<DropletPlan> wave : split(droplets)) {
            for (int from = 0; from < wave.size(); from += parallel) {
                total = total.plus(wave.subList(from, Math.min(wave.size(), from + parallel)).stream()
                        .map(DropletPlan::estimate).max(Duration::compareTo).orElse(Duration.ZERO));
            }
        }
        return total;
    }
}
