package dev.fleet.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts the probe's requests as they end, from any thread, and keeps the longest gap between two
 * successes. A success counts at the instant it was sent: a slow success still shows that a client
 * asking then was served. Nothing is kept per request, so memory stays the same however long it runs.
 */
public final class ProbeTally {

    private final String url;
    private final Instant start;
    private final Map<ProbeFailure, Long> failures = new EnumMap<>(ProbeFailure.class);
    private long requests;
    /** The latest send time of a success; successes may end out of order. */
    private Instant lastSuccess;
    private Duration longestGap = Duration.ZERO;

    public ProbeTally(String url, Instant start) {
        this.url = url;
        this.start = start;
    }

    public synchronized void succeeded(Instant sent) {
        requests++;
        Instant from = lastSuccess == null ? start : lastSuccess;
        if (sent.isAfter(from)) {
            longestGap = longer(longestGap, Duration.between(from, sent));
            lastSuccess = sent;
        }
        // A success sent before the latest one but ending after it is left out: the gap it would split
        // stays counted whole, at most one period longer than it was.
    }

    public synchronized void failed(ProbeFailure kind) {
        requests++;
        failures.merge(kind, 1L, Long::sum);
    }

    public synchronized long failedSoFar() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The figures as of {@code now}, the gap since the last success counted up to it. */
    public synchronized ProbeFigures figures(Instant now) {
        Instant from = lastSuccess == null ? start : lastSuccess;
        Duration tail = now.isAfter(from) ? Duration.between(from, now) : Duration.ZERO;
        Map<String, Long> byKind = new LinkedHashMap<>();
        failures.forEach((kind, count) -> byKind.put(kind.word(), count));
        return new ProbeFigures(url, requests, byKind, longer(longestGap, tail));
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
