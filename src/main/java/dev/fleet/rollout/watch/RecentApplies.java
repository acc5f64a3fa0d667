package dev.fleet.rollout.watch;

import dev.fleet.rollout.ledger.ApplyRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The fleet's last applies as the watch last read them from the ledger {@code fleet history} reads,
 * by whoever ran them (the watch, a person, CI), so that they outlive the watch. Immutable.
 *
 * @param newestFirst at most {@link HistoryMemory#LIMIT} applies, the newest first
 * @param read        when they were read, once they were
 * @param problem     why the last read failed, when it did (what was read before stays)
 */
public record RecentApplies(List<ApplyRecord> newestFirst, Optional<Instant> read, Optional<String> problem) {

    public static final RecentApplies NONE = new RecentApplies(List.of(), Optional.empty(), Optional.empty());

    public RecentApplies {
        newestFirst = List.copyOf(newestFirst);
    }
}
