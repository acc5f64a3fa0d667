package dev.fleet.rollout.ledger;

import java.time.Instant;

/** A line of the history: an apply, or a broken lease. */
public sealed interface HistoryEntry {

    record Apply(ApplyRecord record) implements HistoryEntry {}

    /** Someone ran {@code fleet unlock}: who, when, and whose lease it was. */
    record LeaseBroken(Instant at, String by, String lease) implements HistoryEntry {}
}
