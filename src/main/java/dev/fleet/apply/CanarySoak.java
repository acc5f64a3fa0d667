package dev.fleet.apply;

import dev.fleet.desired.CanarySpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Durations;
import dev.fleet.observed.HealthProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Watches the first wave, the canary, for its soak before the next wave starts: every health
 * interval it probes each canary's health from its droplet (one failed probe fails the soak: a
 * canary is held to more than a rollout's health wait) and, behind a balancer that counts
 * requests, compares what it counted for the canaries since the soak began with the others
 * ({@link CanaryJudge}). The guard is asked at each look, and {@code rollout.probe}'s limit: a probe
 * over its {@code max-failures} fails the soak as a failed health probe does.
 */
public final class CanarySoak {

    /** How a soak ended: the record of it for each canary, and why it failed, if it did. */
    record Soaked(String summary, Instant started, Duration took, Optional<String> failure) {}

    /** What the balancer counted for the canaries and for the others since the soak began. */
    private record Window(RequestCounts canaries, RequestCounts others) {}

    private final DesiredState state;
    private final BalancerControl balancer;
    private final Executor.Guard guard;
    private final Clock clock;
    private final Pause pause;
    private final Supplier<Optional<String>> probeStop;

    /** @param probeStop why the soak fails now: the probe over {@code rollout.probe.max-failures} */
    CanarySoak(DesiredState state, BalancerControl balancer, Executor.Guard guard, Clock clock, Pause pause,
            Supplier<Optional<String>> probeStop) {
        this.probeStop = probeStop;
        this.state = state;
        this.balancer = balancer;
        this.guard = guard;
        this.clock = clock;
        this.pause = pause;
    }

    /** Soaks {@code canaries} (droplet names, with their open sessions) as {@code canary} says. */
    Soaked soak(CanarySpec canary, Set<String> canaries, Map<String, DropletSession> sessions)
            throws InterruptedException {
        Instant started = clock.instant();
        Instant end = started.plus(canary.soak());
        Optional<Map<String, RequestCounts>> baseline = counts();
        String summary = "health only: the balancer counts no requests fleet can read";
        while (true) {
            Optional<String> stop = guard.stopReason();
            if (stop.isPresent()) {
                return new Soaked(summary, started, since(started), Optional.of("stopped: " + stop.get()));
            }
            Optional<String> sick = probeStop.get().or(() -> health(canaries, sessions));
            if (sick.isPresent()) {
                return new Soaked(summary, started, since(started), sick);
            }
            Optional<Window> window = baseline.flatMap(counted -> window(counted, canaries));
            if (window.isPresent()) {
                summary = CanaryJudge.words(window.get().canaries(), window.get().others());
                Optional<String> failure = CanaryJudge.failure(canary, window.get().canaries(), window.get().others());
                if (failure.isPresent()) {
                    return new Soaked(summary, started, since(started), failure);
                }
            } else if (baseline.isEmpty()) {
                baseline = counts(); // not readable when the soak began: its window starts now
            }
            if (!clock.instant().isBefore(end)) {
                return new Soaked(summary, started, since(started),
                        window.flatMap(counted -> CanaryJudge.unproven(canary, counted.canaries())));
            }
            Duration left = Duration.between(clock.instant(), end);
            pause.pause(left.compareTo(state.health().interval()) < 0 ? left : state.health().interval());
        }
    }

    /** How the soak reads, for the plan and the record. */
    public static String describe(CanarySpec canary) {
        return "soak " + Durations.setting(canary.soak()) + ": the canary's health every probe, and its failed"
                + " requests no more than " + CanaryJudge.percent(canary.maxErrorRate())
                + " above the others' (at least " + canary.minRequests() + " requests)";
    }

    private Optional<String> health(Set<String> canaries, Map<String, DropletSession> sessions) {
        for (String droplet : canaries) {
            HealthProbe probe = sessions.get(droplet).probe(state.health());
            if (!probe.healthy()) {
                return Optional.of(droplet + "'s health failed during the soak: " + String.join("; ", probe.failures()));
            }
        }
        return Optional.empty();
    }

    /** The canaries' counts and the others' since {@code baseline}, when they can be read now. */
    private Optional<Window> window(Map<String, RequestCounts> baseline, Set<String> canaries) {
        return counts().map(now -> {
            RequestCounts mine = RequestCounts.NONE;
            RequestCounts others = RequestCounts.NONE;
            for (Map.Entry<String, RequestCounts> droplet : now.entrySet()) {
                RequestCounts counted = droplet.getValue().since(baseline.getOrDefault(droplet.getKey(),
                        RequestCounts.NONE));
                if (canaries.contains(droplet.getKey())) {
                    mine = mine.plus(counted);
                } else {
                    others = others.plus(counted);
                }
            }
            return new Window(mine, others);
        });
    }

    /** The balancer's counts now; empty when it counts nothing, or could not be read this time. */
    private Optional<Map<String, RequestCounts>> counts() {
        List<DropletSpec> droplets = state.droplets();
        try {
            return balancer.requestCounts(droplets);
        } catch (ApplyException e) {
            return Optional.empty(); // the next look asks again; the health probes go on meanwhile
        }
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }
}
