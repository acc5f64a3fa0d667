package dev.fleet.rollout.ledger;

/** The lease that {@code fleet unlock} removed. */
public sealed interface BrokenLease {

    /** A lease as fleet writes it. */
    record Held(Lease lease) implements BrokenLease {}

    /**
     * A lease line fleet could not read (edited by hand, cut short, written by something else): it
     * blocked every apply until broken.
     *
     * @param problem what is wrong with it, for the operator
     */
    record Unreadable(String problem) implements BrokenLease {}
}
