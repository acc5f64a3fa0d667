package dev.fleet.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.rollout.ledger.Acquisition;
import dev.fleet.rollout.ledger.BrokenLease;
import dev.fleet.rollout.ledger.LeaseStore;
import dev.fleet.rollout.ledger.LockException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

    /** A lease store whose renewals do what the test says. */
    private interface Renewal {
        boolean renew() throws LockException, InterruptedException;
    }

    private static LeaseStore store(Renewal renewal) {
        return new LeaseStore() {
            @Override
            public Acquisition acquire(String run, String owner, String commit, Duration ttl, Optional<String> process,
                    Optional<String> goneRun) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean renew(String run, Duration ttl) throws LockException {
                try {
                    return renewal.renew();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LockException("interrupted", e);
                }
            }

            @Override
            public void release(String run) {}

            @Override
            public Optional<BrokenLease> breakLease(String by) {
                return Optional.empty();
            }
        };
    }

    private static Optional<String> awaitStop(Heartbeat heartbeat) throws InterruptedException {
        for (int i = 0; i < 500 && heartbeat.stopReason().isEmpty(); i++) {
            Thread.sleep(10);
        }
        return heartbeat.stopReason();
    }

    @Test
    void aHolderThatCannotRenewStopsInsteadOfCarryingOn() throws InterruptedException {
        CountDownLatch told = new CountDownLatch(1);
        RolloutListener listener = new RolloutListener() {
            @Override
            public void leaseLost(String why) {
                told.countDown();
            }
        };
        try (Heartbeat heartbeat = new Heartbeat(store(() -> {
            throw new LockException("the lease was renewed on 1 of the state's 3 droplets", null);
        }), "run-1", Duration.ofMillis(200), listener, Clock.systemUTC())) {
            assertThat(awaitStop(heartbeat)).hasValueSatisfying(why -> assertThat(why)
                    .startsWith(Heartbeat.CANNOT_RENEW).contains("renewed on 1 of the state's 3 droplets"));
            assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aHolderWhoseLeaseIsNoLongerItsOwnStops() throws InterruptedException {
        try (Heartbeat heartbeat = new Heartbeat(store(() -> false), "run-1", Duration.ofMillis(200),
                new RolloutListener() {}, Clock.systemUTC())) {
            assertThat(awaitStop(heartbeat)).contains(Heartbeat.LOST);
        }
    }

    @Test
    void aRenewalStuckForHalfTheLeaseStopsTheApplyBeforeItReturns() throws InterruptedException {
        CountDownLatch stuck = new CountDownLatch(1);
        MutableClock clock = new MutableClock();
        try (Heartbeat heartbeat = new Heartbeat(store(() -> {
            stuck.await();
            return true;
        }), "run-1", Duration.ofSeconds(120), new RolloutListener() {}, clock)) {
            clock.now = clock.now.plusSeconds(60);
            assertThat(heartbeat.stopReason()).isEmpty();

            clock.now = clock.now.plusSeconds(1);
            assertThat(heartbeat.stopReason()).hasValueSatisfying(why -> assertThat(why)
                    .contains("no renewal has succeeded for 61s, half the lease's 120s"));
        } finally {
            stuck.countDown();
        }
    }

    @Test
    void renewalsThatSucceedKeepTheApplyGoing() throws InterruptedException {
        try (Heartbeat heartbeat = new Heartbeat(store(() -> true), "run-1", Duration.ofMillis(200),
                new RolloutListener() {}, Clock.systemUTC())) {
            Thread.sleep(600);
            assertThat(heartbeat.stopReason()).isEmpty();
        }
    }

    private static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-06T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
