package dev.fleet.observed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The fan-out of {@link FleetObserver}, shown without timing anything: each fake observation waits
 * at a barrier until every one of them is in flight. Observed at once, they all get there and go
 * on; observed one after another (or a few at a time), the first waits alone until the barrier
 * gives up, and the test fails saying how many were ever in flight together.
 */
class FleetObserverTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final int DROPLETS = 10;
    /** How long an observation waits for the others: generous, as only a failing run waits it out. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** Each observation's own work once all are in flight, standing for its SSH round trips. */
    private static final Duration PAUSE = Duration.ofMillis(100);

    @Test
    void observesAllDropletsAtOnceNotOneAfterAnother() {
        Rendezvous rendezvous = new Rendezvous(DROPLETS);
        FleetObserver observer = new FleetObserver(
                (state, droplet) -> rendezvous.arrive() ? reached(droplet) : gaveUp(droplet, rendezvous),
                state -> new BalancerObservation.NotObservable(), Clock.fixed(NOW, ZoneOffset.UTC));

        long started = System.nanoTime();
        FleetObservation observation = observer.observe(state(DROPLETS));
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(rendezvous.mostAtOnce())
                .as("droplets in flight at once, of %d (each waits up to %d s for all of them); the observation took"
                        + " %d ms, where one droplet after another would take at least %d x %d ms",
                        DROPLETS, PATIENCE.toSeconds(), elapsedMillis, DROPLETS, PAUSE.toMillis())
                .isEqualTo(DROPLETS);
        assertThat(observation.droplets()).as("one observation per droplet, in the state's order")
                .extracting(DropletObservation::droplet).containsExactlyElementsOf(names(DROPLETS));
        assertThat(observation.droplets()).allSatisfy(
                droplet -> assertThat(droplet).isInstanceOf(DropletObservation.Reached.class));
    }

    @Test
    void asksTheBalancerWhileTheDropletsAreObserved() {
        Rendezvous rendezvous = new Rendezvous(DROPLETS + 1);
        FleetObserver observer = new FleetObserver(
                (state, droplet) -> rendezvous.arrive() ? reached(droplet) : gaveUp(droplet, rendezvous),
                state -> rendezvous.arrive() ? new BalancerObservation.NotObservable()
                        : new BalancerObservation.Unavailable("gave up waiting: " + rendezvous),
                Clock.fixed(NOW, ZoneOffset.UTC));

        FleetObservation observation = observer.observe(state(DROPLETS));

        assertThat(rendezvous.mostAtOnce()).as("the balancer and the %d droplets in flight at once", DROPLETS)
                .isEqualTo(DROPLETS + 1);
        assertThat(observation.balancer()).isEqualTo(new BalancerObservation.NotObservable());
    }

    @Test
    void observesAtMostItsBoundOfDropletsAtOnceAndStillEveryDropletInOrder() {
        int droplets = FleetObserver.AT_ONCE + 8;
        // The first AT_ONCE wait until all of them are in flight: unbounded, the other 8 would arrive
        // while those do their work, and more than AT_ONCE would have been in flight together.
        CountDownLatch bound = new CountDownLatch(FleetObserver.AT_ONCE);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        FleetObserver observer = new FleetObserver((state, droplet) -> {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                bound.countDown();
                bound.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                Thread.sleep(PAUSE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            return reached(droplet);
        }, state -> new BalancerObservation.NotObservable(), Clock.fixed(NOW, ZoneOffset.UTC));

        FleetObservation observation = observer.observe(state(droplets));

        assertThat(mostAtOnce.get()).as("droplets in flight at once, of %d", droplets).isEqualTo(FleetObserver.AT_ONCE);
        assertThat(observation.droplets()).extracting(DropletObservation::droplet)
                .containsExactlyElementsOf(names(droplets));
    }

    /**
     * A barrier for {@code parties} observations that remembers how many were ever waiting together.
     * Once it gives up (one waited {@link #PATIENCE} in vain) it stays broken, so the others that
     * come after do not wait again: a sequential observer fails in about {@link #PATIENCE}, not N times it.
     */
    private static final class Rendezvous {

        private final CyclicBarrier barrier;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger mostAtOnce = new AtomicInteger();

        Rendezvous(int parties) {
            this.barrier = new CyclicBarrier(parties);
        }

        /** Waits until all parties are in flight, then does {@link #PAUSE}'s work; false if they never were. */
        boolean arrive() {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                barrier.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                Thread.sleep(PAUSE);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (BrokenBarrierException | TimeoutException e) {
                return false;
            } finally {
                inFlight.decrementAndGet();
            }
        }

        int mostAtOnce() {
            return mostAtOnce.get();
        }

        @Override
        public String toString() {
            return "at most " + mostAtOnce.get() + " of " + barrier.getParties() + " were in flight at once";
        }
    }

    private static DropletObservation reached(DropletSpec droplet) {
        return new DropletObservation.Reached(droplet.name(), NOW, List.of(), Optional.empty());
    }

    private static DropletObservation gaveUp(DropletSpec droplet, Rendezvous rendezvous) {
        return new DropletObservation.Unreachable(droplet.name(), NOW, UnreachableReason.OTHER,
                "gave up waiting for the other droplets: " + rendezvous);
    }

    private static List<String> names(int droplets) {
        return IntStream.rangeClosed(1, droplets).mapToObj(i -> "d" + i).toList();
    }

    private static DesiredState state(int droplets) {
        List<DropletSpec> specs = names(droplets).stream()
                .map(name -> new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty()))
                .toList();
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", new ImageRef("registry/demo", "sha256:" + "1".repeat(64)), List.of(), Map.of(),
                        "always", Map.of()),
                specs,
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(), new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3,
                        Duration.ofSeconds(1)), new DrainSpec("/shutdown", "GET", 80),
                new BalancerSpec.HealthCheck(Duration.ofSeconds(1), 2, 3),
                new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60)));
    }
}
