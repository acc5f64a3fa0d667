package dev.fleet.drift;

/** The app's health on a droplet, as far as fleet could tell. */
public enum Health {
    HEALTHY,
    FAILING,
    /** Not probed: the droplet was unreachable or the container not running. */
    UNKNOWN
}
