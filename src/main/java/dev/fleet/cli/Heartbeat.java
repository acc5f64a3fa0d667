package dev.fleet.cli;

import dev.fleet.lock.LeaseStore;
import dev.fleet.lock.LockException;
import java.io.PrintWriter;
import java.time.Duration;

/** Renews an apply's lease while it runs, a quarter of its length apart, on a thread of its own. */
final class Heartbeat implements AutoCloseable {

    private final Thread thread;

    Heartbeat(LeaseStore store, String run, PrintWriter err) {
        Duration every = Convergence.LEASE.dividedBy(4);
        this.thread = Thread.ofVirtual().name("fleet-lease-heartbeat").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                    if (!store.renew(run, Convergence.LEASE)) {
                        err.println("fleet apply: the lock was broken (fleet unlock) while this apply ran");
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
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }
}
