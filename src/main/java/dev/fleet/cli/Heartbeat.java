package dev.fleet.cli;

import dev.fleet.lock.LeaseStore;
import dev.fleet.lock.LockException;
import java.io.PrintWriter;
import dev.fleet.apply.Executor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Renews an apply's lease while it runs, a quarter of its length apart, on a thread of its own, and
 * stops the apply at its next step once the lease is no longer its own: broken by {@code fleet
 * unlock}, or lapsed and taken by another apply while this one could not renew it.
 */
final class Heartbeat implements AutoCloseable, Executor.Guard {

    private final Thread thread;
    private final AtomicReference<String> lost = new AtomicReference<>();

    Heartbeat(LeaseStore store, String run, PrintWriter err) {
        Duration every = Convergence.LEASE.dividedBy(4);
        this.thread = Thread.ofPlatform().daemon().name("fleet-lease-heartbeat").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                    if (!store.renew(run, Convergence.LEASE)) {
                        lost.set("the apply lock is no longer this apply's (broken by fleet unlock, or lapsed and"
                                + " taken by another apply)");
                        err.println("fleet apply: " + lost.get() + "; stopping before the next step");
                        err.flush();
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (LockException e) {
                    err.println("fleet apply: renewing the lock failed, will try again: " + e.getMessage());
                    err.flush();
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
