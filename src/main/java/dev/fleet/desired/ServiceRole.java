package dev.fleet.desired;

/**
 * How a service rolls, which follows from what it is.
 *
 * <ul>
 *   <li>{@link #TRAFFIC}: it takes requests through the balancer. Its droplet leaves rotation
 *       (drain-and-swap) or switches colour (blue-green) around the swap, and it is healthy by its
 *       health checks.
 *   <li>{@link #WORKER}: no traffic reaches it (a queue consumer, a scheduler). It is stopped with
 *       its grace and started again, and is healthy by Docker's own health check when its image has
 *       one, else by staying up, without a restart, for its {@code min-uptime}.
 *   <li>{@link #ACCESSORY}: a stateful service (a database, a cache) that apps depend on. It is
 *       replaced only when its own image or settings change, in place with its volumes, never in
 *       the same apply as an app's rollout unless asked, and never rolled back automatically over
 *       its data.
 * </ul>
 */
public enum ServiceRole {
    TRAFFIC("traffic"),
    WORKER("worker"),
    ACCESSORY("accessory");

    private final String word;

    ServiceRole(String word) {
        this.word = word;
    }

    /** The word the state file uses. */
    public String word() {
        return word;
    }

    /** Whether the balancer sends it requests, so that its droplet must leave rotation around a swap. */
    public boolean takesTraffic() {
        return this == TRAFFIC;
    }
}
