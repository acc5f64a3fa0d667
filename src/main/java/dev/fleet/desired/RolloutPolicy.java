package dev.fleet.desired;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a rollout may proceed.
 *
 * @param maxUnavailable  droplets allowed out of rotation at once, counting ones already down
 * @param autoRollback    whether a droplet whose new container fails gets its previous image back
 * @param minHealthyTime  how long a new container must stay healthy before the next droplet
 * @param healthTimeout   how long a new container may take to become healthy
 * @param strategy        how one droplet moves to the new image
 * @param keepImages      how many of the images fleet last ran on a droplet stay there after its
 *                        turn (the running one among them); older ones fleet ran are removed
 * @param waves           the sizes of successive waves, the last one repeated until every droplet
 *                        moved; empty: one droplet at a time. Droplets of a wave roll in parallel,
 *                        up to {@code maxUnavailable} out of rotation at once
 * @param onFailure       what a failed droplet does to the rest of the rollout
 * @param canary          whether the first wave soaks before the next starts, and how it is judged
 * @param probe           the URL asked at a constant rate while an apply rolls, when there is one
 */
public record RolloutPolicy(int maxUnavailable, boolean autoRollback, Duration minHealthyTime, Duration healthTimeout,
        RolloutStrategy strategy, int keepImages, List<WaveSize> waves, OnFailure onFailure,
        Optional<CanarySpec> canary, Optional<ProbeSpec> probe) {

    public RolloutPolicy {
        waves = List.copyOf(waves);
        if (onFailure == OnFailure.REVERT && !autoRollback) {
            throw new IllegalArgumentException("a fleet-wide revert needs auto-rollback");
        }
        if (canary.isPresent() && (waves.isEmpty() || !autoRollback)) {
            throw new IllegalArgumentException("a canary is the first wave, and is reverted when it fails");
        }
    }

    /** Without a probe. */
    public RolloutPolicy(int maxUnavailable, boolean autoRollback, Duration minHealthyTime, Duration healthTimeout,
            RolloutStrategy strategy, int keepImages, List<WaveSize> waves, OnFailure onFailure,
            Optional<CanarySpec> canary) {
        this(maxUnavailable, autoRollback, minHealthyTime, healthTimeout, strategy, keepImages, waves, onFailure,
                canary, Optional.empty());
    }

    /** Waves without a canary. */
    public RolloutPolicy(int maxUnavailable, boolean autoRollback, Duration minHealthyTime, Duration healthTimeout,
            RolloutStrategy strategy, int keepImages, List<WaveSize> waves, OnFailure onFailure) {
        this(maxUnavailable, autoRollback, minHealthyTime, healthTimeout, strategy, keepImages, waves, onFailure,
                Optional.empty());
    }

    /** One droplet at a time, stopping at the first failure. */
    public RolloutPolicy(int maxUnavailable, boolean autoRollback, Duration minHealthyTime, Duration healthTimeout,
            RolloutStrategy strategy, int keepImages) {
        this(maxUnavailable, autoRollback, minHealthyTime, healthTimeout, strategy, keepImages, List.of(),
                OnFailure.STOP);
    }

    /** Images kept on each droplet unless the state says otherwise. */
    public static final int DEFAULT_KEEP_IMAGES = 3;

    /** A policy keeping the default number of images. */
    public RolloutPolicy(int maxUnavailable, boolean autoRollback, Duration minHealthyTime, Duration healthTimeout,
            RolloutStrategy strategy) {
        this(maxUnavailable, autoRollback, minHealthyTime, healthTimeout, strategy, DEFAULT_KEEP_IMAGES);
    }

    /** The drain-and-swap policy. */
    public RolloutPolicy(int maxUnavailable, boolean autoRollback, Duration minHealthyTime, Duration healthTimeout) {
        this(maxUnavailable, autoRollback, minHealthyTime, healthTimeout, RolloutStrategy.DRAIN_AND_SWAP);
    }

    /** Whether droplets roll in waves rather than strictly one after the other. */
    public boolean inWaves() {
        return !waves.isEmpty();
    }

    public boolean blueGreen() {
        return strategy == RolloutStrategy.BLUE_GREEN;
    }
}
