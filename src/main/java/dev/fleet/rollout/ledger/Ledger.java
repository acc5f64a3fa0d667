package dev.fleet.rollout.ledger;

import dev.fleet.desired.DesiredState;

/**
 * A fleet's lease and history, open for one run: where every runner agrees on who may change the
 * fleet. Implementations live at the edge (on the fleet's first droplet).
 */
public interface Ledger extends LeaseStore, HistoryStore, AutoCloseable {

    /** Where the ledger is kept, for messages ({@code droplet-1 (~/.fleet/demo)}). */
    String where();

    @Override
    void close();

    /** Opens a fleet's ledger. */
    @FunctionalInterface
    interface Opener {
        /** @throws LockException when the place that keeps it cannot be reached */
        Ledger open(DesiredState state) throws LockException;
    }
}
