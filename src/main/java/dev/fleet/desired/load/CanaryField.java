package dev.fleet.desired.load;

import dev.fleet.desired.CanarySpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code rollout.canary}: the first wave soaks for {@code soak} while fleet watches it. A
 * canary is the first wave, and a failed one is reverted: it needs {@code waves} and
 * {@code auto-rollback}.
 */
final class CanaryField {

    private static final Set<String> KEYS = Sections.keys("soak", "max-error-rate", "min-requests");
    private static final Pattern PERCENT = Pattern.compile("(0|[1-9][0-9]?|100)(\\.[0-9]{1,3})?%");
    private static final double DEFAULT_MAX_ERROR_RATE = 0.01;
    private static final int DEFAULT_MIN_REQUESTS = 20;

    private CanaryField() {}

    /** The canary, empty when the key is absent; a problem and empty when it is wrong. */
    static Optional<Optional<CanarySpec>> read(Optional<Field> field, boolean inWaves, boolean autoRollback) {
        if (field.isEmpty()) {
            return Optional.of(Optional.empty());
        }
        return field.get().mapping(KEYS).flatMap(canary -> {
            Optional<Duration> soak = canary.required("soak", "how long the first wave is watched, such as 5m")
                    .flatMap(Field::duration); // a duration is more than zero
            Optional<Double> rate = canary.optional("max-error-rate").map(f -> f.text(PERCENT, "a percentage",
                    "such as 1% or 0.5%: how much higher than the other droplets' share of failed requests the"
                            + " canary's may be").map(text -> new BigDecimal(text.substring(0, text.length() - 1))
                                    .movePointLeft(2).doubleValue()))
                    .orElse(Optional.of(DEFAULT_MAX_ERROR_RATE));
            int minRequests = canary.integer("min-requests", DEFAULT_MIN_REQUESTS, 0, 1_000_000_000);
            boolean fits = fits(field.get(), inWaves, autoRollback);
            return Sections.allPresent(soak, rate) && fits
                    ? Optional.of(Optional.of(new CanarySpec(soak.get(), rate.get(), minRequests)))
                    : Optional.empty();
        });
    }

    private static boolean fits(Field field, boolean inWaves, boolean autoRollback) {
        if (!inWaves) {
            field.problem("a canary is the first wave of a rollout in waves, and there are no waves",
                    "add waves, such as waves: [1, 30%, 100%] (the canary is then one droplet)");
            return false;
        }
        if (!autoRollback) {
            field.problem("a failed canary is rolled back, and auto-rollback is false",
                    "set auto-rollback: true, or leave canary out");
            return false;
        }
        return true;
    }
}
