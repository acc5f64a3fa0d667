package dev.fleet.desired;

/** What a rollout does when a droplet fails and is rolled back (or cannot be). */
public enum OnFailure {
    /** The rollout stops there; the droplets already moved stay on the new version. */
    STOP,
    /**
     * Every droplet the apply already moved goes back to what it ran before the apply, last moved
     * first, through the same drain-safe steps, so the fleet ends on one version.
     */
    REVERT
}
