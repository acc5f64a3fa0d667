package dev.fleet.desired;

import java.util.Optional;

/**
 * What the container may use of its droplet; empty means no limit.
 *
 * @param memoryBytes the memory limit, in bytes (Docker's {@code --memory})
 * @param nanoCpus    CPUs, in billionths of a CPU (Docker's {@code --cpus 1.5} is 1,500,000,000)
 * @param pids        the most processes and threads it may have at once (Docker's {@code --pids-limit})
 */
public record Limits(Optional<Long> memoryBytes, Optional<Long> nanoCpus, Optional<Long> pids) {

    public static final Limits NONE = new Limits(Optional.empty(), Optional.empty(), Optional.empty());
}
