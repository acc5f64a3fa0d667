package dev.fleet.drift;

/** The one-word verdict on a droplet, from best to worst news. */
public enum DropletStatus {
    /** Runs the desired digest, healthy, in rotation. */
    IN_SYNC,
    /** Runs another digest than the desired one (or an image with no registry digest). */
    IMAGE_DRIFT,
    /**
     * Runs the desired digest, but its configuration differs from the state's (environment, ports,
     * volumes, restart policy...): the state changed, or someone changed the container by hand.
     */
    CONFIG_DRIFT,
    /** No container of the service's name. */
    MISSING,
    /** The service's container exists but does not run. */
    STOPPED,
    /** Runs the desired digest, but its health or content checks fail, or the balancer has it out. */
    UNHEALTHY,
    /** Could not be observed; the reason says why. */
    UNREACHABLE
}
