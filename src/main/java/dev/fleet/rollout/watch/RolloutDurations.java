package dev.fleet.rollout.watch;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * How long the watch's rollouts took, as a histogram: counts per upper bound, their sum and their
 * number. Fixed size however long the watch runs. Immutable.
 *
 * @param counts  rollouts that took at most each bound of {@link #BOUNDS} (not cumulative), then the rest
 * @param seconds the sum of their durations, in seconds
 */
public record RolloutDurations(List<Long> counts, double seconds) {

    /** The buckets' upper bounds: a one-droplet swap takes seconds, a fleet in waves tens of minutes. */
    public static final List<Duration> BOUNDS = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(30), Duration.ofHours(1));

    public static final RolloutDurations NONE = new RolloutDurations(Collections.nCopies(BOUNDS.size() + 1, 0L), 0);

    public RolloutDurations {
        if (counts.size() != BOUNDS.size() + 1) {
            throw new IllegalArgumentException("a count per bound and one for the rest, not " + counts.size());
        }
        counts = List.copyOf(counts);
    }

    /** These, and one more rollout that took {@code took}. */
    public RolloutDurations with(Duration took) {
        int bucket = 0;
        while (bucket < BOUNDS.size() && took.compareTo(BOUNDS.get(bucket)) > 0) {
            bucket++;
        }
        long[] next = counts.stream().mapToLong(Long::longValue).toArray();
        next[bucket]++;
        return new RolloutDurations(Arrays.stream(next).boxed().toList(), seconds + took.toMillis() / 1000.0);
    }

    /** How many rollouts in all. */
    public long count() {
        return counts.stream().mapToLong(Long::longValue).sum();
    }

    /** How many took at most {@code BOUNDS.get(bucket)}: the cumulative count Prometheus wants. */
    public long atMost(int bucket) {
        return counts.subList(0, bucket + 1).stream().mapToLong(Long::longValue).sum();
    }
}
