package dev.fleet.streams;

import java.time.Instant;
import java.util.Optional;

/**
 * Which logs to read, as {@code docker logs} takes it.
 *
 * @param since  lines from this time on, or all
 * @param tail   the last lines of each container only, or all
 * @param follow whether to keep following the logs until interrupted
 */
public record LogQuery(Optional<Instant> since, Optional<Integer> tail, boolean follow) {}
