package dev.fleet.desired;

import java.time.Duration;

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
 */
public record RolloutPolicy(int maxUnavailable, boolean autoRollback, Duration minHealthyTime, Duration healthTimeout,
        RolloutStrategy strategy, int keepImages) {

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

    public boolean blueGreen() {
        return strategy == RolloutStrategy.BLUE_GREEN;
    }
}
