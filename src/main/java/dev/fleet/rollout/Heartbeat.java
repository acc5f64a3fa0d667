package dev.fleet.rollout;

import dev.fleet.apply.Executor;
import dev.fleet.rollout.ledger.LeaseStore;
import dev.fleet.rollout.ledger.LockException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Renews an apply's lease while it runs, a quarter of its length apart, on a thread of its own, and
 * stops the apply at its next step once the lease is no longer its own: broken by {@code fleet
 * unlock}, or lapsed and taken by another apply while this one could not renew it.
 */
final class Heartbeat implements AutoCloseable, Executor.Guard {

    static final String LOST = "the apply lock is no longer this apply's (broken by fleet unlock, or lapsed and"
            + " taken by another apply)";

    private final Thread thread;
    private final AtomicReference<String> lost = new AtomicReference<>();

    Heartbeat(LeaseStore store, String run, Duration lease, RolloutListener listener) {
        Duration every = lease.dividedBy(4);
        this.thread = Thread.ofPlatform().daemon().name("fleet-lease-heartbeat").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                    if (!store.renew(run, lease)) {
                        lost.set(LOST);
                        listener.leaseLost(LOST);
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (LockException e) {
                    listener.leaseRenewalFailed(e);
                }
            }
        });
    }

    @Override
    public Optional<String> stopReason() {
        return Optional.ofNullable(lost.get());
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }
}
