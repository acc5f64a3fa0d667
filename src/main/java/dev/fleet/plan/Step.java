package dev.fleet.plan;

import dev.fleet.desired.ImageRef;
import java.time.Duration;
import java.util.Optional;

/**
 * One thing done to one droplet, or waited for, as a value: the planner makes them, {@code fleet
 * plan} prints them, and one executor performs them. A waiting step carries its deadline; none
 * sleeps blindly.
 */
public sealed interface Step {

    /** The droplet the step acts on. */
    String droplet();

    /** Pulls the image by digest, before anything is drained, so that no drain waits on a download. */
    record PullImage(String droplet, ImageRef image) implements Step {}

    /** Starts taking the droplet out of the balancer's rotation (runtime API, or the app's drain endpoint). */
    record Drain(String droplet) implements Step {}

    /**
     * Waits until the balancer has dropped the droplet: HAProxy reports it drained with no session
     * left, or (health-check balancers) the app's health fails, then the balancer's own detection time.
     */
    record AwaitDrained(String droplet, Duration deadline) implements Step {}

    /** Stops (SIGTERM, then {@code grace}) and removes the service's container; its image stays. */
    record RemoveContainer(String droplet, String container, Duration grace) implements Step {}

    /**
     * Creates and starts the service's container exactly as {@code container} says: its image (by
     * digest, or a local image id for a rollback), the state's ports, environment, restart policy and
     * labels, and fleet's labels.
     */
    record StartContainer(String droplet, ContainerSpec container) implements Step {}

    /** Waits until the app passes its health and content checks enough times in a row, for long enough. */
    record AwaitHealthy(String droplet, Duration deadline) implements Step {}

    /**
     * Waits until a service that takes no traffic (a worker, an accessory) counts as healthy: its
     * container runs, and its image's own health check says healthy, or, without one, it has stayed
     * up for {@code minUptime} without a restart. A container that exits or restarts meanwhile fails
     * the step at once.
     */
    record AwaitRunning(String droplet, String container, Duration minUptime, Duration deadline) implements Step {}

    /** Lets the balancer send traffic again (HAProxy: state ready; health-check balancers: nothing to do). */
    record Undrain(String droplet) implements Step {}

    /** Waits until the balancer has the droplet back in rotation. */
    record AwaitInRotation(String droplet, Duration deadline) implements Step {}

    /** Reads the droplet again: the service's container runs, {@code digest} when known, and is healthy. */
    record Verify(String droplet, Optional<String> digest) implements Step {}

    /**
     * After the droplet's turn succeeded: records {@code running} as an image fleet ran there for
     * {@code service}, and removes the images fleet ran there for it before that are neither running
     * nor among the last {@code keep} it ran. Images fleet never ran for the service, and images a
     * container uses, are never removed. Never fails: an image that cannot be removed now is tried
     * again after the next turn.
     */
    record PruneImages(String droplet, String service, ImageRef running, int keep) implements Step {}

    // Blue-green: the droplet stays in rotation; its proxy is switched from one colour to the other.

    /**
     * Creates and starts a colour exactly as {@code container} says (its name is the colour's), its
     * app's port published on a free port of the droplet's 127.0.0.1, beside the colour that serves.
     */
    record StartColour(String droplet, ContainerSpec container) implements Step {}

    /** Waits until the colour passes its health and content checks, asked on its own port, as {@link AwaitHealthy}. */
    record AwaitColourHealthy(String droplet, String container, Duration deadline) implements Step {}

    /** Points the droplet's proxy at the colour: its configuration validated, then reloaded. */
    record SwitchProxy(String droplet, String container) implements Step {}

    /** Waits until the proxy sends requests to the colour and the colour answers them. */
    record AwaitProxyRoute(String droplet, String container, Duration deadline) implements Step {}

    /** The proxy sends requests to the colour, which runs {@code digest} when known and is healthy through it. */
    record VerifyColour(String droplet, String container, Optional<String> digest) implements Step {}

    /**
     * Lets the proxy's workers from before the switch finish the requests they had, for at most
     * {@code deadline}; never fails: what is left then meets the old colour's stop grace.
     */
    record AwaitOldRequests(String droplet, Duration deadline) implements Step {}
}
