package dev.fleet.rollout;

import dev.fleet.apply.Executor;
import dev.fleet.rollout.ledger.LeaseStore;
import dev.fleet.rollout.ledger.LockException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Renews an apply's lease while it runs, a quarter of its length apart, on a thread of its own, and
 * stops the apply at its next step once the lease is no longer its own (broken by {@code fleet
 * unlock}, or lapsed and taken by another apply) or once it cannot prove it still is: a renewal
 * failed, or none has succeeded for half the lease's length (a renewal stuck on a silent droplet).
 * Either way the lease it last renewed still has half its length to run when the apply stops, so no
 * other apply can have taken it yet; and each droplet refuses a step of a run whose lease it does
 * not hold, for a step begun just before.
 */
final class Heartbeat implements AutoCloseable, Executor.Guard {

    static final String LOST = "the apply lock is no longer this apply's (broken by fleet unlock, or lapsed and"
            + " taken by another apply)";

    static final String CANNOT_RENEW = "the apply lock could not be renewed, so this apply cannot prove the fleet is"
            + " still its own: ";

    private final Thread thread;
    private final Clock clock;
    private final Duration lease;
    private final AtomicReference<String> lost = new AtomicReference<>();
    private final AtomicReference<Instant> renewed;

    /** @param clock the clock the lease was taken by, just before */
    Heartbeat(LeaseStore store, String run, Duration lease, RolloutListener listener, Clock clock) {
        this.clock = clock;
        this.lease = lease;
        this.renewed = new AtomicReference<>(clock.instant());
        Duration every = lease.dividedBy(4);
        this.thread = Thread.ofPlatform().daemon().name("fleet-lease-heartbeat").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                    Instant attempt = clock.instant();
                    if (!store.renew(run, lease)) {
                        stop(LOST, listener);
                        return;
                    }
                    renewed.set(attempt);
                } catch (InterruptedException e) {
                    return;
                } catch (LockException e) {
                    stop(CANNOT_RENEW + e.getMessage(), listener);
                    return;
                }
            }
        });
    }

    private void stop(String why, RolloutListener listener) {
        if (lost.compareAndSet(null, why)) {
            listener.leaseLost(why);
        }
    }

    @Override
    public Optional<String> stopReason() {
        Duration since = Duration.between(renewed.get(), clock.instant());
        if (lost.get() == null && since.compareTo(lease.dividedBy(2)) > 0) {
            lost.compareAndSet(null, CANNOT_RENEW + "no renewal has succeeded for " + since.toSeconds() + "s, half"
                    + " the lease's " + lease.toSeconds() + "s");
        }
        return Optional.ofNullable(lost.get());
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }
}
