package dev.fleet.lab;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the lab's HAProxy every 100 ms which droplets are out of rotation (any status but UP), and
 * keeps the most seen at once, with the samples that showed it, and how often each one left. Runs on a thread of its own until
 * closed.
 */
public final class RotationSampler implements AutoCloseable {

    private static final Duration EVERY = Duration.ofMillis(100);

    private final Lab lab;
    private final Thread thread;
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicInteger failedSamples = new AtomicInteger();
    private final List<String> worst = new ArrayList<>();
    private final Map<String, Integer> timesLeft = new TreeMap<>();
    private final Map<String, Boolean> wasUp = new HashMap<>();
    /** HAProxy writes "UP 1/2" for a server in rotation whose last check failed (one more and it is DOWN). */
    private static final Pattern FAILING_WHILE_UP = Pattern.compile("UP \\d+/\\d+");
    private final Map<String, Integer> failingWhileUp = new TreeMap<>();
    private int mostOut;
    private volatile boolean stopped;

    private RotationSampler(Lab lab) {
        this.lab = lab;
        this.thread = Thread.ofPlatform().daemon().name("rotation-sampler").start(this::sample);
    }

    public static RotationSampler start(Lab lab) {
        return new RotationSampler(lab);
    }

    private void sample() {
        while (!stopped) {
            long next = System.nanoTime() + EVERY.toNanos();
            try {
                Map<String, String> states = lab.balancerStates();
                List<String> out = states.entrySet().stream().filter(e -> !e.getValue().startsWith("UP"))
                        .map(e -> e.getKey() + " " + e.getValue()).toList();
                samples.incrementAndGet();
                synchronized (this) {
                    states.forEach((server, state) -> {
                        boolean up = state.startsWith("UP");
                        if (FAILING_WHILE_UP.matcher(state).matches()) {
                            failingWhileUp.merge(server, 1, Integer::sum);
                        }
                        if (!up && wasUp.getOrDefault(server, true)) {
                            timesLeft.merge(server, 1, Integer::sum);
                        }
                        wasUp.put(server, up);
                    });
                    if (out.size() > mostOut) {
                        mostOut = out.size();
                        worst.clear();
                    }
                    if (out.size() == mostOut && out.size() > 1 && worst.size() < 10) {
                        worst.add(Instant.now() + " " + out);
                    }
                }
            } catch (RuntimeException e) {
                failedSamples.incrementAndGet();
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The most droplets out of rotation in one sample. */
    public synchronized int mostOutAtOnce() {
        return mostOut;
    }

    /** How many times each droplet that left rotation left it (went from UP to any other status). */
    public synchronized Map<String, Integer> timesLeft() {
        return Map.copyOf(timesLeft);
    }

    /**
     * The servers seen in rotation with a failed health check ("UP 1/2"), with how many samples
     * showed it: a droplet that served while HAProxy's own checks failed on it.
     */
    public synchronized Map<String, Integer> failedChecksInRotation() {
        return Map.copyOf(failingWhileUp);
    }

    /** Up to ten samples that showed more than one droplet out, for a failure message. */
    public synchronized List<String> worstSamples() {
        return List.copyOf(worst);
    }

    public int samples() {
        return samples.get();
    }

    /** Samples HAProxy did not answer (should be none). */
    public int failedSamples() {
        return failedSamples.get();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
