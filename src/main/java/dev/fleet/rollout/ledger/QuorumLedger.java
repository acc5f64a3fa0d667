package dev.fleet.rollout.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fleet's lease and history kept on every one of its droplets, the lease held only on a strict
 * majority of them. Two states that list the same droplets in another order, or that differ in a
 * minority of them, have majorities that share a droplet, and a droplet's lease has one holder: so
 * two runners never both hold the fleet, and losing any minority of the droplets (the first one
 * included) loses neither the lease nor the history.
 *
 * <p>The lease is asked of the droplets in the order of their names, whatever the state's order, so
 * that runners racing for it meet on the same droplet first. A droplet leased to another run that
 * has not lapsed ends the attempt: what was taken is given back, and the caller learns who holds it.
 * Each droplet also refuses, by itself, a step of a run whose lease it does not hold (the journal's
 * fence): a holder that lost its lease cannot act even if it has not noticed yet.
 *
 * <p>The history is appended on every droplet that answers and read back from all of them, merged
 * by run. Not thread-safe, except that {@link #renew} may run on a heartbeat thread while the apply
 * does not call the others.
 */
public final class QuorumLedger implements Ledger {

    /** Opens one droplet's ledger. */
    @FunctionalInterface
    public interface MemberOpener {
        /** @throws LockException when the droplet cannot be reached */
        Ledger open(String droplet) throws LockException;
    }

    private final List<String> members;
    private final Map<String, Ledger> reached;
    private final Map<String, String> unreached;
    private final Set<String> held = new LinkedHashSet<>();
    private final String folder;

    private QuorumLedger(List<String> members, Map<String, Ledger> reached, Map<String, String> unreached,
            String folder) {
        this.members = members;
        this.reached = reached;
        this.unreached = unreached;
        this.folder = folder;
    }

    /**
     * Reaches the droplets' ledgers, all at once. Reading the history or breaking a lease needs one
     * of them; taking the lease needs a majority ({@link #acquire}).
     *
     * @param folder where on each droplet, for messages ({@code ~/.fleet/demo})
     * @throws LockException when none of them answers
     */
    public static QuorumLedger open(Collection<String> droplets, String folder, MemberOpener opener)
            throws LockException {
        List<String> members = List.copyOf(new TreeSet<>(droplets));
        Map<String, Ledger> reached = new LinkedHashMap<>();
        Map<String, String> unreached = new LinkedHashMap<>();
        // Platform threads: a connection being made blocks in sshj, which in the native build may hold
        // the carrier a virtual thread would need.
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
            Map<String, Future<Ledger>> opening = new LinkedHashMap<>();
            for (String member : members) {
                opening.put(member, pool.submit(() -> opener.open(member)));
            }
            for (Map.Entry<String, Future<Ledger>> entry : opening.entrySet()) {
                try {
                    reached.put(entry.getKey(), entry.getValue().get());
                } catch (ExecutionException e) {
                    unreached.put(entry.getKey(), e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    unreached.put(entry.getKey(), "interrupted");
                }
            }
        }
        QuorumLedger ledger = new QuorumLedger(members, reached, unreached, folder);
        if (reached.isEmpty()) {
            throw new LockException("the apply lock and history live on the droplets " + ledger.where()
                    + ", and none of them answered: " + ledger.failures(unreached), null);
        }
        return ledger;
    }

    /** The droplets that must hold the lease for it to be ours: more than half of the state's. */
    public int majority() {
        return members.size() / 2 + 1;
    }

    @Override
    public String where() {
        return String.join(", ", members) + " (" + folder + ")";
    }

    @Override
    public Acquisition acquire(String run, String owner, String commit, Duration ttl, Optional<String> process,
            Optional<String> goneRun) throws LockException {
        Map<String, String> failed = new LinkedHashMap<>(unreached);
        Lease ours = null;
        Optional<Lease> expired = Optional.empty();
        Optional<Duration> quietFor = Optional.empty();
        boolean quietKnown = true;
        for (Map.Entry<String, Ledger> member : reached.entrySet()) {
            Acquisition acquisition;
            try {
                acquisition = member.getValue().acquire(run, owner, commit, ttl, process, goneRun);
            } catch (LockException e) {
                failed.put(member.getKey(), e.getMessage());
                continue;
            }
            switch (acquisition) {
                case Acquisition.Held heldByOther -> {
                    releaseQuietly(run);
                    return heldByOther;
                }
                case Acquisition.Acquired acquired -> {
                    held.add(member.getKey());
                    ours = acquired.lease();
                    expired = expired.or(acquired::expired);
                    // The shortest quiet: an apply that ran since touched a majority, so at least one of ours.
                    quietKnown &= acquired.quietFor().isPresent();
                    if (acquired.quietFor().isPresent() && (quietFor.isEmpty()
                            || acquired.quietFor().get().compareTo(quietFor.get()) < 0)) {
                        quietFor = acquired.quietFor();
                    }
                }
            }
        }
        if (held.size() < majority()) {
            releaseQuietly(run);
            throw new LockException("the apply lock needs the lease on a majority of the state's " + members.size()
                    + " droplets (" + majority() + "), and only " + held.size() + " gave it: "
                    + failures(failed), null);
        }
        return new Acquisition.Acquired(ours, expired, quietKnown ? quietFor : Optional.empty());
    }

    /**
     * Renews the lease on every droplet that holds it. False as soon as one says it is no longer
     * ours (broken, or lapsed and taken); an exception when fewer than a majority renewed it, for then
     * this run cannot prove the fleet is still its own.
     */
    @Override
    public boolean renew(String run, Duration ttl) throws LockException {
        Map<String, String> failed = new LinkedHashMap<>();
        int renewed = 0;
        for (String member : List.copyOf(held)) {
            try {
                if (!reached.get(member).renew(run, ttl)) {
                    return false;
                }
                renewed++;
            } catch (LockException e) {
                failed.put(member, e.getMessage());
            }
        }
        if (renewed < majority()) {
            throw new LockException("the lease was renewed on " + renewed + " of the state's " + members.size()
                    + " droplets, fewer than a majority (" + majority() + "): " + failures(failed), null);
        }
        return true;
    }

    @Override
    public void release(String run) throws LockException {
        Map<String, String> failed = new LinkedHashMap<>();
        for (String member : List.copyOf(held)) {
            try {
                reached.get(member).release(run);
            } catch (LockException e) {
                failed.put(member, e.getMessage());
            }
        }
        held.clear();
        if (!failed.isEmpty()) {
            throw new LockException("the lease could not be given back on " + failed.size() + " droplet(s), where it"
                    + " lapses by itself: " + failures(failed), null);
        }
    }

    private void releaseQuietly(String run) {
        try {
            release(run);
        } catch (LockException e) {
            // It lapses by itself; the caller reports why it gave up, which matters more.
        }
    }

    /** Breaks the lease on every droplet that answers; the lease it broke, a readable one first. */
    @Override
    public Optional<BrokenLease> breakLease(String by) throws LockException {
        Optional<BrokenLease> broken = Optional.empty();
        Map<String, String> failed = new LinkedHashMap<>();
        for (Map.Entry<String, Ledger> member : reached.entrySet()) {
            try {
                Optional<BrokenLease> here = member.getValue().breakLease(by);
                if (here.isPresent() && (broken.isEmpty() || broken.get() instanceof BrokenLease.Unreadable)) {
                    broken = here;
                }
            } catch (LockException e) {
                failed.put(member.getKey(), e.getMessage());
            }
        }
        if (failed.size() == reached.size()) {
            throw new LockException("no droplet let its lease be broken: " + failures(failed), null);
        }
        return broken;
    }

    /** Appends on every droplet that answers; fails only when none kept it. */
    @Override
    public void append(ApplyRecord record) throws LockException {
        Map<String, String> failed = new LinkedHashMap<>();
        for (Map.Entry<String, Ledger> member : reached.entrySet()) {
            try {
                member.getValue().append(record);
            } catch (LockException e) {
                failed.put(member.getKey(), e.getMessage());
            }
        }
        if (failed.size() == reached.size()) {
            throw new LockException("no droplet kept the history record of run " + record.run() + ": "
                    + failures(failed), null);
        }
    }

    /** The newest {@code limit} entries of every droplet that answers, one per apply, oldest first. */
    @Override
    public List<HistoryEntry> recent(int limit) throws LockException {
        List<List<HistoryEntry>> read = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (Map.Entry<String, Ledger> member : reached.entrySet()) {
            try {
                read.add(member.getValue().recent(limit));
            } catch (LockException e) {
                failed.put(member.getKey(), e.getMessage());
            }
        }
        if (read.isEmpty()) {
            throw new LockException("no droplet's history could be read: " + failures(failed), null);
        }
        return MergedHistory.of(read, limit);
    }

    @Override
    public void close() {
        reached.values().forEach(Ledger::close);
    }

    private String failures(Map<String, String> failed) {
        if (failed.isEmpty()) {
            return "the others did not answer";
        }
        List<String> lines = new ArrayList<>();
        failed.forEach((droplet, why) -> lines.add(droplet + ": " + why));
        return String.join("; ", lines);
    }
}
