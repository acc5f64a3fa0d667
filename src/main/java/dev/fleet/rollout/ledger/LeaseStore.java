package dev.fleet.rollout.ledger;

import java.time.Duration;
import java.util.Optional;

/**
 * The one-apply-at-a-time lease of a fleet, kept where every runner can reach it: on the fleet's
 * first droplet, not on the machine that runs fleet. Each operation is atomic there.
 */
public interface LeaseStore {

    /**
     * Takes the lease for {@code ttl} if nobody holds it, or its holder's lease has lapsed, or it is
     * still held by run {@code goneRun}, whose process is known to be gone.
     *
     * @param process  this process, named for {@link Lease#process()}, if it can be
     * @param goneRun  a run whose lease may be taken over although it has not lapsed, if any
     */
    Acquisition acquire(String run, String owner, String commit, Duration ttl, Optional<String> process,
            Optional<String> goneRun) throws LockException;

    /** Extends our lease by {@code ttl} from now; false when it is no longer ours (broken, or lapsed and taken). */
    boolean renew(String run, Duration ttl) throws LockException;

    /** Gives our lease back; nothing happens if it is not ours any more. */
    void release(String run) throws LockException;

    /**
     * Removes whoever's lease there is, recording who broke it in the history; the broken lease, if
     * any, also when it is one fleet could not read (which no other operation takes over or changes).
     */
    Optional<BrokenLease> breakLease(String by) throws LockException;
}
