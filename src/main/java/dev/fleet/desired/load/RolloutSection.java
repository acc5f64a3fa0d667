package dev.fleet.desired.load;

import dev.fleet.desired.CanarySpec;
import dev.fleet.desired.OnFailure;
import dev.fleet.desired.ProbeSpec;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.RolloutStrategy;
import dev.fleet.desired.WaveSize;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code rollout:}, how fast a rollout may go and what it does on failure. */
final class RolloutSection {

    static final Set<String> KEYS =
            Sections.keys("strategy", "max-unavailable", "auto-rollback", "min-healthy-time", "health-timeout",
                    "keep-images", "waves", "on-failure", "canary", "probe");

    private static final Pattern STRATEGY = Pattern.compile("drain-and-swap|blue-green");

    private static final RolloutPolicy DEFAULTS =
            new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60));

    private RolloutSection() {}

    /** @param droplets how many droplets the fleet has, when that is known */
    static Optional<RolloutPolicy> read(Optional<Field> field, OptionalInt droplets) {
        if (field.isEmpty()) {
            return Optional.of(DEFAULTS);
        }
        return field.get().mapping(KEYS).flatMap(rollout -> {
            Optional<Integer> maxUnavailable = rollout.optional("max-unavailable")
                    .map(f -> f.integer(1, Integer.MAX_VALUE).filter(n -> withinFleet(n, f, droplets)))
                    .orElse(Optional.of(DEFAULTS.maxUnavailable()));
            boolean autoRollback = rollout.bool("auto-rollback", DEFAULTS.autoRollback());
            Duration minHealthyTime = rollout.duration("min-healthy-time", DEFAULTS.minHealthyTime());
            Duration healthTimeout = rollout.duration("health-timeout", DEFAULTS.healthTimeout());
            Optional<RolloutStrategy> strategy = rollout.optional("strategy")
                    .map(f -> f.text(STRATEGY, "a rollout strategy", "drain-and-swap (take the droplet out of the"
                            + " balancer, replace its container) or blue-green (start the new container beside the old"
                            + " one and switch the droplet's nginx to it)")
                            .map(word -> word.equals("blue-green") ? RolloutStrategy.BLUE_GREEN
                                    : RolloutStrategy.DRAIN_AND_SWAP))
                    .orElse(Optional.of(RolloutStrategy.DRAIN_AND_SWAP));
            Optional<Integer> keepImages = rollout.optional("keep-images").map(f -> f.integer(1, 100))
                    .orElse(Optional.of(RolloutPolicy.DEFAULT_KEEP_IMAGES));
            Optional<List<WaveSize>> waves = WavesField.read(rollout.optional("waves"));
            boolean inWaves = waves.filter(w -> !w.isEmpty()).isPresent();
            Optional<OnFailure> onFailure = WavesField.onFailure(rollout.optional("on-failure"), inWaves,
                    autoRollback);
            Optional<Optional<CanarySpec>> canary = CanaryField.read(rollout.optional("canary"), inWaves,
                    autoRollback);
            Optional<Optional<ProbeSpec>> probe = ProbeField.read(rollout.optional("probe"));
            return Sections.allPresent(maxUnavailable, strategy, keepImages, waves, onFailure, canary, probe)
                    ? Optional.of(new RolloutPolicy(maxUnavailable.get(), autoRollback, minHealthyTime, healthTimeout,
                            strategy.get(), keepImages.get(), waves.get(), onFailure.get(), canary.get(),
                            probe.get()))
                    : Optional.empty();
        });
    }

    /**
     * Whether {@code n} droplets out at once leaves one serving. A one-droplet fleet is the exception:
     * it cannot roll out without a gap at all, and refusing would leave it no way to deploy.
     */
    private static boolean withinFleet(int n, Field field, OptionalInt droplets) {
        if (droplets.isEmpty() || droplets.getAsInt() == 1 || n < droplets.getAsInt()) {
            return true;
        }
        int count = droplets.getAsInt();
        field.problem(n + " would let a rollout take all " + count + " droplets out of rotation at once",
                "at most " + (count - 1) + " for " + count + " droplets, so that one keeps serving");
        return false;
    }
}
