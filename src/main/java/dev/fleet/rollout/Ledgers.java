package dev.fleet.rollout;

import dev.fleet.desired.DesiredState;
import dev.fleet.rollout.ledger.BrokenLease;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.Ledger;
import dev.fleet.rollout.ledger.LockException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The day-2 operations on a fleet's ledger: breaking a stuck lease, reading the history. */
public final class Ledgers {

    /**
     * @param where  where the ledger is kept
     * @param broken the lease that was broken, if anybody held one
     */
    public record Unlocked(String where, Optional<BrokenLease> broken) {}

    private final Ledger.Opener opener;
    private final Supplier<String> owner;

    public Ledgers(Ledger.Opener opener, Supplier<String> owner) {
        this.opener = opener;
        this.owner = owner;
    }

    /** Breaks whoever's lease there is; the break is recorded in the history. */
    public Unlocked unlock(DesiredState state) throws LockException {
        try (Ledger ledger = opener.open(state)) {
            return new Unlocked(ledger.where(), ledger.breakLease(owner.get()));
        }
    }

    /** The last {@code limit} entries of the history (1 to 10,000), oldest first. */
    public List<HistoryEntry> history(DesiredState state, int limit) throws LockException {
        try (Ledger ledger = opener.open(state)) {
            return ledger.recent(Math.clamp(limit, 1, 10_000));
        }
    }
}
