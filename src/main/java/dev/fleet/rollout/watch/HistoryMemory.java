package dev.fleet.rollout.watch;

import dev.fleet.desired.DesiredState;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.LockException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The watch's copy of the fleet's history, for its page: read from the droplets at the first round,
 * after a round that applied, and, once a round finds a droplet running another digest than before
 * (someone else is applying), at each round until a new apply is in it (an apply is recorded when
 * it ends), for {@link #AWAIT_APPLY} at most; never for a page request. A failed read keeps what was
 * read before and is tried again a minute later at the earliest. Not thread-safe: the loop's rounds
 * never overlap.
 */
public final class HistoryMemory {

    /** Reads the last {@code limit} entries of a fleet's history, oldest first (as {@code fleet history}). */
    @FunctionalInterface
    public interface Reader {
        List<HistoryEntry> recent(DesiredState state, int limit) throws LockException;

        Reader NONE = (state, limit) -> List.of();
    }

    /** Entries read each time: applies, and broken locks which the page leaves out. */
    public static final int LIMIT = 20;

    /** The wait before trying again a read that failed (each try costs the droplets' timeouts). */
    static final Duration RETRY = Duration.ofMinutes(1);

    /** How long after a digest changed the rounds look for the apply that changed it: a long rollout in waves. */
    static final Duration AWAIT_APPLY = Duration.ofMinutes(15);

    private final Reader reader;
    private final Map<String, String> digests = new HashMap<>();
    private RecentApplies applies = RecentApplies.NONE;
    private Instant failedAt;
    private boolean readOnce;
    /** When a digest changed with no new apply read since, and the newest apply read before it. */
    private Instant changedAt;
    private String newestBeforeChange;

    public HistoryMemory(Reader reader) {
        this.reader = reader;
    }

    public RecentApplies applies() {
        return applies;
    }

    /**
     * After a round on {@code state} that observed {@code drift} (and {@code applied}, or not): reads
     * the history again when it is worth it.
     */
    public RecentApplies afterRound(DesiredState state, DriftReport drift, boolean applied, Instant now) {
        if (digestsChanged(drift) && changedAt == null) {
            changedAt = now;
            newestBeforeChange = newestRun();
        }
        if (changedAt != null && !now.isBefore(changedAt.plus(AWAIT_APPLY))) {
            changedAt = null; // a container replaced by hand, not by an apply
        }
        boolean retry = failedAt != null && !now.isBefore(failedAt.plus(RETRY));
        boolean first = !readOnce && failedAt == null;
        if (first || applied || changedAt != null && failedAt == null || retry) {
            read(state, now);
            if (failedAt == null && changedAt != null && !newestRun().equals(newestBeforeChange)) {
                changedAt = null;
            }
        }
        return applies;
    }

    private String newestRun() {
        return applies.newestFirst().isEmpty() ? "" : applies.newestFirst().getFirst().run();
    }

    private void read(DesiredState state, Instant now) {
        try {
            List<HistoryEntry> entries = reader.recent(state, LIMIT);
            List<ApplyRecord> newestFirst = entries.reversed().stream()
                    .<ApplyRecord>mapMulti((entry, keep) -> {
                        if (entry instanceof HistoryEntry.Apply apply) {
                            keep.accept(apply.record());
                        }
                    }).toList();
            applies = new RecentApplies(newestFirst, Optional.of(now), Optional.empty());
            readOnce = true;
            failedAt = null;
        } catch (LockException | RuntimeException e) {
            // The page shows what was read before, and why it may be old; the round goes on.
            applies = new RecentApplies(applies.newestFirst(), applies.read(), Optional.of(String.valueOf(
                    e.getMessage())));
            failedAt = now;
        }
    }

    /** Whether a droplet observed now runs another digest than when it was last observed. */
    private boolean digestsChanged(DriftReport drift) {
        boolean changed = false;
        for (DropletDrift droplet : drift.droplets()) {
            if (droplet.runningDigest().isPresent()) {
                String before = digests.put(droplet.droplet(), droplet.runningDigest().get());
                changed |= before != null && !before.equals(droplet.runningDigest().get());
            }
        }
        return changed;
    }
}
