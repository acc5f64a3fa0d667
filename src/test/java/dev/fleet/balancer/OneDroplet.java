package dev.fleet.balancer;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.apply.HookMark;
import dev.fleet.apply.HookRun;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.ProxySpec;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.plan.ContainerSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A droplet as an apply sees it, for a balancer's tests: one container of service {@code demo}, its
 * images, and its app's health, which a test switches; what happened to it, at the clock's time.
 * It never calls a drain endpoint: a cloud balancer must not need one.
 */
final class OneDroplet implements DropletSession {

    private final Clock clock;
    private final Set<String> images = Collections.synchronizedSet(new HashSet<>());
    private Optional<ObservedContainer> container = Optional.empty();
    /** What happened, "at-millis-since-start what", in order. */
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<Instant> probes = Collections.synchronizedList(new ArrayList<>());
    volatile boolean healthy = true;
    private final Instant start;

    OneDroplet(Clock clock, Optional<ObservedContainer> running) {
        this.clock = clock;
        this.start = clock.instant();
        this.container = running;
    }

    /** A running container of {@code demo} on {@code digest}. */
    static ObservedContainer running(String digest, Instant since) {
        return new ObservedContainer("id-" + digest.substring(7, 15), "demo", Optional.of(digest), "sha256:" + "f".repeat(64),
                "registry/demo@" + digest, "running", 0, Optional.empty(), Optional.of(since), Optional.empty(),
                Map.of(FleetLabels.SERVICE, "demo"));
    }

    /** When {@code what} first happened, since the start. */
    Duration at(String what) {
        return events.stream().filter(e -> e.endsWith(" " + what)).findFirst()
                .map(e -> Duration.ofMillis(Long.parseLong(e.substring(0, e.indexOf(' ')))))
                .orElseThrow(() -> new AssertionError("never happened: " + what + " in " + events));
    }

    private void log(String what) {
        events.add(Duration.between(start, clock.instant()).toMillis() + " " + what);
    }

    @Override
    public void pull(ImageRef image) {
        images.add(image.reference());
    }

    @Override
    public boolean hasImage(ImageSource image) {
        return images.contains(image.reference());
    }

    @Override
    public Optional<ObservedContainer> container(String name) {
        return container;
    }

    @Override
    public void removeContainer(String name, Duration grace) {
        log("remove");
        container = Optional.empty();
    }

    @Override
    public void startContainer(ContainerSpec spec) throws ApplyException {
        if (container.isPresent()) {
            throw new ApplyException("a container named " + spec.name() + " exists");
        }
        log("start");
        String digest = ((ImageRef) spec.image()).digest();
        ObservedContainer created = running(digest, clock.instant());
        container = Optional.of(new ObservedContainer(created.id(), created.name(), created.digest(), created.imageId(),
                created.imageRef(), created.state(), 0, Optional.empty(), created.startedAt(), Optional.empty(),
                spec.labels()));
    }

    @Override
    public HookRun runOnce(ContainerSpec spec, List<String> command, Duration timeout) throws ApplyException {
        throw new ApplyException("no hooks here");
    }

    @Override
    public Optional<HookMark> hookMark(String service, String kind, String digest) {
        return Optional.empty();
    }

    @Override
    public void markHook(String service, String kind, String digest, HookMark mark) {}

    @Override
    public List<String> pruneImages(String service, ImageRef running, int keep) {
        return List.of();
    }

    @Override
    public HealthProbe probe(HealthSpec health) {
        probes.add(clock.instant());
        boolean up = healthy && container.filter(ObservedContainer::running).isPresent();
        return up ? new HealthProbe(Optional.of(200), List.of()) : new HealthProbe(Optional.of(503), List.of("HTTP 503"));
    }

    @Override
    public void callDrainEndpoint(DrainSpec drain) throws ApplyException {
        throw new ApplyException("a cloud balancer must not call the drain endpoint");
    }

    @Override
    public ProxyRoute route(ProxySpec proxy, HealthSpec health) {
        return new ProxyRoute(Optional.empty(), false, "no proxy here");
    }

    @Override
    public void switchProxy(ProxySpec proxy, String container, int port) throws ApplyException {
        throw new ApplyException("no proxy here");
    }

    @Override
    public boolean proxyDraining(ProxySpec proxy) {
        return false;
    }

    @Override
    public void recordIntent(RolloutIntent intent) {}

    @Override
    public void endIntent(String run, String result) {}

    @Override
    public void close() {}
}
