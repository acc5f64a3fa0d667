package dev.fleet.apply;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the probe saw while an apply rolled ({@code rollout.probe}).
 *
 * @param url        the URL it asked
 * @param requests   the requests answered or failed (one still in flight when the rollout ended is
 *                   not counted)
 * @param failures   the failed ones by kind ({@link ProbeFailure#word()}), kinds that never failed left out
 * @param longestGap the longest time without a successful request, counting from the probe's start
 *                   to the first success and from the last success to its end
 */
public record ProbeFigures(String url, long requests, Map<String, Long> failures, Duration longestGap) {

    public ProbeFigures {
        failures = Map.copyOf(new TreeMap<>(failures));
    }

    public long failed() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The failures by kind, in the order of the kinds' names, for words and JSON. */
    public Map<String, Long> failuresInOrder() {
        return new TreeMap<>(failures);
    }
}
