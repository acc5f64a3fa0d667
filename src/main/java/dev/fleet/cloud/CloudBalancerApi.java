package dev.fleet.cloud;

/**
 * A cloud's load balancer, one of them (the provider's configuration names it), as far as fleet
 * needs it: read what it is and which droplets it sends traffic to, add a droplet, remove one.
 * Droplets are the cloud's own ids for them. Implementations live at the edge ({@code
 * infra/digitalocean}); a second cloud is a second implementation.
 *
 * <p>Every call is a few bounded HTTP exchanges. A failure that may pass by itself (rate limiting,
 * a server error, a timeout) is tried again within the implementation, a bounded number of times
 * with bounded pauses, before it is thrown; {@link CloudApiException#isTransient()} still says
 * whether a later call may succeed. A refusal (the token, an unknown balancer, a rejected change) is
 * thrown at once.
 *
 * <p>{@link #add} and {@link #remove} are idempotent: adding a droplet the balancer lists and
 * removing one it does not list change nothing, and a change whose answer was lost is looked at
 * again before it is repeated. Implementations are safe to call from several threads at once.
 */
public interface CloudBalancerApi {

    /** The balancer as the cloud describes it now. */
    CloudBalancerView read() throws CloudApiException;

    /** Lets the balancer send traffic to {@code droplet} again. */
    void add(long droplet) throws CloudApiException;

    /** Stops the balancer from sending new traffic to {@code droplet}. */
    void remove(long droplet) throws CloudApiException;

    /** The cloud and the balancer in words, for messages and logs ("DigitalOcean load balancer 4de7ac8b-..."); never a credential. */
    String describe();
}
