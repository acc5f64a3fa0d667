package dev.fleet.desired;

/** How one droplet moves to a new image. */
public enum RolloutStrategy {

    /**
     * The seed's way: take the droplet out of the balancer, replace its container, put it back.
     * Needs a balancer, and at least two droplets to stay up.
     */
    DRAIN_AND_SWAP("drain-and-swap"),

    /**
     * The new container starts beside the old one on a free loopback port, the droplet's own proxy
     * (nginx) is pointed at it once it is healthy, and the old one is removed when its requests are
     * done. The droplet never leaves rotation, so this works with one droplet and no balancer.
     */
    BLUE_GREEN("blue-green");

    private final String word;

    RolloutStrategy(String word) {
        this.word = word;
    }

    /** How the state file writes it. */
    public String word() {
        return word;
    }
}
