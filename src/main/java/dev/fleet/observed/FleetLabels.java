package dev.fleet.observed;

/**
 * The labels fleet puts on the containers it runs, and observes them through. The container's
 * name is the service's name (deterministic, so a second create fails instead of doubling up);
 * the labels say which service a container belongs to and which digest it was started for.
 */
public final class FleetLabels {

    /** The service a container belongs to. Any container carrying it claims the service. */
    public static final String SERVICE = "fleet.service";

    /**
     * The fleet a container belongs to: the name of the service its balancer fronts. A container of a
     * service the state no longer runs is known by it (a leftover {@code fleet apply --prune} removes),
     * while another fleet's containers on the same droplet are never touched.
     */
    public static final String FLEET = "fleet.fleet";

    /** The image digest fleet started the container for. */
    public static final String DIGEST = "fleet.digest";

    /** The run id of the apply that started the container. */
    public static final String ROLLOUT = "fleet.rollout";

    /** What the container replaced (an image reference fleet can start again), when it replaced one. */
    public static final String REPLACES = "fleet.replaces";

    /** The registry digest of what the container replaced, when known. */
    public static final String REPLACES_DIGEST = "fleet.replaces-digest";

    private FleetLabels() {}
}
