package dev.fleet.rollout.ledger;

import java.util.List;

/** The fleet's apply history, kept beside its lease on the first droplet. */
public interface HistoryStore {

    void append(ApplyRecord record) throws LockException;

    /** The last {@code limit} entries, oldest first. */
    List<HistoryEntry> recent(int limit) throws LockException;
}
