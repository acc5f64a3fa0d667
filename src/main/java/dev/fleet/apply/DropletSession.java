package dev.fleet.apply;

import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.ProxySpec;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.plan.ContainerSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What fleet does on one droplet while applying, over one connection kept open for the whole
 * apply. Calls are made one at a time per droplet.
 */
public interface DropletSession extends AutoCloseable {

    /** Pulls {@code image}, by its digest, with the state's registry credentials, if any. */
    void pull(ImageRef image) throws ApplyException;

    /** Whether the droplet has {@code image} locally, so that starting it needs no download. */
    boolean hasImage(ImageSource image) throws ApplyException;

    /** The container named {@code name}, running or not, as drift sees it. */
    Optional<ObservedContainer> container(String name) throws ApplyException;

    /**
     * Stops the container named {@code name} (SIGTERM, SIGKILL after {@code grace}) and removes it;
     * its image stays. Nothing to do when there is no such container.
     */
    void removeContainer(String name, Duration grace) throws ApplyException;

    /** Creates and starts the container exactly as {@code spec} says. Fails if one of that name exists. */
    void startContainer(ContainerSpec spec) throws ApplyException;

    /**
     * Runs {@code spec} once, its command replaced by {@code command}: creates it (never with published
     * ports or a restart policy: a one-off must not bind the service's ports or come back), starts it,
     * waits at most {@code timeout} for it to exit, and removes it whatever happened (killed first when
     * it ran out of time). Its output (stdout and stderr together, in order) is kept to the last
     * {@link HookRun#OUTPUT_LIMIT} bytes.
     *
     * <p>{@code command} replaces the image's {@code CMD} (and the spec's command) the way {@code docker
     * run IMAGE COMMAND} does: an entrypoint, the image's or the spec's, stays and receives it as its
     * arguments. The image must be on the droplet already ({@link #pull}); nothing is pulled here. A
     * container named {@code spec.name()} left by an earlier run that was killed is removed first.
     * Never repeated on a new connection: a hook (a migration) may not be safe to run twice.
     *
     * @return how it ended; a non-zero exit or a timeout is a result, not an exception
     * @throws ApplyException when it could not be created, started or inspected at all (the image is
     *                        missing, the engine refused, the droplet stopped answering)
     */
    HookRun runOnce(ContainerSpec spec, List<String> command, Duration timeout) throws ApplyException;

    /** The last mark the droplet recorded of {@code service}'s {@code kind} hook for {@code digest}, if any. */
    Optional<HookMark> hookMark(String service, String kind, String digest) throws ApplyException;

    /** Records {@code mark} of {@code service}'s {@code kind} hook for {@code digest}: durable once this returns. */
    void markHook(String service, String kind, String digest, HookMark mark) throws ApplyException;

    /**
     * Records {@code running} among the images fleet ran for {@code service} on this droplet, then
     * removes the ones it ran before that are not among the last {@code keep} and that no container
     * uses; an image fleet never ran for the service is never touched.
     *
     * @return the image references removed
     */
    List<String> pruneImages(String service, ImageRef running, int keep) throws ApplyException;

    /** Asks the app's health and content checks from the droplet itself. Failures are in the probe. */
    HealthProbe probe(HealthSpec health);

    /** Calls the app's drain endpoint (the seed's {@code /shutdown}) from the droplet. */
    void callDrainEndpoint(DrainSpec drain) throws ApplyException;

    /**
     * Where the droplet's proxy sends the service's requests now, as the proxy answers (not as a
     * file says). Failures to ask are in the route.
     */
    ProxyRoute route(ProxySpec proxy, HealthSpec health) throws ApplyException;

    /**
     * Points the droplet's proxy at {@code container}, published on the droplet's loopback {@code
     * port}: validated before it is loaded, and left as it was when validating or loading fails.
     */
    void switchProxy(ProxySpec proxy, String container, int port) throws ApplyException;

    /** Whether the proxy still has workers from before its last reload, finishing their requests. */
    boolean proxyDraining(ProxySpec proxy) throws ApplyException;

    /**
     * Records on the droplet, before a step is performed there, what is about to happen: durable
     * once this returns, so that an apply killed during the step leaves it for the next one.
     */
    void recordIntent(RolloutIntent intent) throws ApplyException;

    /** Ends the droplet's turn in {@code run}: its intent is removed, {@code result} journaled. */
    void endIntent(String run, String result) throws ApplyException;

    @Override
    void close();
}
