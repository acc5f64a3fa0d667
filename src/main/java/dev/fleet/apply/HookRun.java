package dev.fleet.apply;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one run of a one-off container ended ({@link DropletSession#runOnce}): a deploy hook's result.
 * A hook that ran and failed is a {@code HookRun}, not an exception: its exit code and output are
 * what the user needs to see.
 *
 * @param exitCode   the process's exit code; empty when it ran out of time (it was killed) or when
 *                   the engine did not say
 * @param timedOut   whether it was still running at its timeout, and so was killed
 * @param outputTail the end of its output, stdout and stderr together in the order written: at most
 *                   {@link #OUTPUT_LIMIT} bytes of UTF-8, its secrets replaced by {@code [secret NAME]}
 * @param took       from its start to its end (or to its kill)
 */
public record HookRun(Optional<Integer> exitCode, boolean timedOut, String outputTail, Duration took) {

    /** How much of a one-off's output is kept, from its end: enough for a migration's error and its context. */
    public static final int OUTPUT_LIMIT = 16 * 1024;

    public HookRun {
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(outputTail, "outputTail");
        Objects.requireNonNull(took, "took");
    }

    /** Whether it exited 0 within its time: the one outcome a hook counts as success. */
    public boolean succeeded() {
        return !timedOut && exitCode.equals(Optional.of(0));
    }
}
