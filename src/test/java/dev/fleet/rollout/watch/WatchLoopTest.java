package dev.fleet.rollout.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.load.StateFixture;
import dev.fleet.report.PrometheusMetrics;
import dev.fleet.rollout.ConvergeResult;
import dev.fleet.rollout.FakeFleet;
import dev.fleet.rollout.RolloutListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch's rounds against an in-memory fleet and a state file that changes between rounds. */
class WatchLoopTest {

    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final String V3 = "sha256:" + "3".repeat(64);
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final FakeFleet fleet = new FakeFleet();
    private final MovingClock clock = new MovingClock();
    private final List<String> notes = new ArrayList<>();
    private final List<ConvergeResult> converged = new ArrayList<>();
    private final List<WatchEvent> events = new ArrayList<>();
    private StateFixture fixture;
    private Path stateFile;
    private WatchLoop loop;

    @BeforeEach
    void watch() {
        fixture = new StateFixture(dir);
        stateFile = dir.resolve("fleet.yaml");
        StateSource source = new StateSource() {
            @Override
            public Fetch fetch() {
                return new Fresh(stateFile);
            }

            @Override
            public String describe() {
                return "file " + stateFile;
            }
        };
        loop = new WatchLoop(source, fixture.loader(), fleet.convergence(), HistoryMemory.Reader.NONE, () -> {},
                events::add, clock, true, INTERVAL, new WatchListener() {
                    @Override
                    public void note(String line) {
                        notes.add(line);
                    }

                    @Override
                    public RolloutListener rollout() {
                        return RolloutListener.NONE;
                    }

                    @Override
                    public void converged(ConvergeResult result) {
                        converged.add(result);
                    }
                });
    }

    @Test
    void aConvergedFleetIsWatchedQuietlyAtTheInterval() {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        write(V1);

        loop.tick();

        assertThat(converged).isEmpty();
        assertThat(notes).isEmpty();
        assertThat(events).isEmpty();
        assertThat(loop.status().failuresInARow()).isZero();
        assertThat(loop.status().nextRound()).contains(clock.instant().plus(INTERVAL));
        assertThat(loop.status().drift()).hasValueSatisfying(drift -> assertThat(drift.clean()).isTrue());
    }

    @Test
    void aRoundThatCannotObserveEveryDropletIsNoSuccessAndCountsAsFailedWithoutBackingOff() {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        write(V1);
        loop.tick();
        Instant succeeded = clock.instant();
        fleet.unreachable.add("d1");
        fleet.unreachable.add("d2");

        clock.advance(INTERVAL);
        loop.tick();
        clock.advance(INTERVAL);
        loop.tick();

        assertThat(loop.status().lastSuccess()).contains(succeeded);
        assertThat(loop.status().failuresInARow()).isEqualTo(2);
        assertThat(loop.status().nextRound()).contains(clock.instant().plus(INTERVAL));
        assertThat(PrometheusMetrics.render(loop.status(), "test"))
                .contains("fleet_failed_rounds_in_a_row 2\n")
                .contains("fleet_last_success_timestamp_seconds " + String.format(Locale.ROOT, "%.3f",
                        succeeded.toEpochMilli() / 1000.0) + "\n");

        fleet.unreachable.clear();
        clock.advance(INTERVAL);
        loop.tick();
        assertThat(loop.status().lastSuccess()).contains(clock.instant());
        assertThat(loop.status().failuresInARow()).isZero();
    }

    @Test
    void aRoundRunsOnlyWhenItIsDue() {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        write(V1);
        loop.tick();
        int looked = fleet.observations.get();

        clock.advance(INTERVAL.minusSeconds(1));
        loop.tick();
        assertThat(fleet.observations).hasValue(looked);

        clock.advance(Duration.ofSeconds(1));
        loop.tick();
        assertThat(fleet.observations.get()).isGreaterThan(looked);
    }

    @Test
    void aDriftingFleetIsRolledOutAndToldToTheNotifier() {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        write(V2);

        loop.tick();

        assertThat(fleet.runs).hasSize(1);
        assertThat(fleet.digests).containsEntry("d1", V2).containsEntry("d2", V2);
        assertThat(converged).singleElement().isInstanceOf(ConvergeResult.Applied.class);
        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("DriftDetected", "RolloutStarted", "RolloutFinished");
        assertThat(loop.status().lastRollout()).hasValueSatisfying(
                rollout -> assertThat(rollout.result()).isEqualTo(WatchStatus.RolloutResult.SUCCEEDED));
        // What the page shows afterwards is observed afresh: in sync.
        assertThat(loop.status().drift()).hasValueSatisfying(drift -> assertThat(drift.clean()).isTrue());
    }

    @Test
    void anInvalidStateFileKeepsTheLastValidOneInForce() {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        write(V1);
        loop.tick();

        fixture.write("fleet.yaml", "service: [this is not a service\n");
        clock.advance(INTERVAL);
        loop.tick();

        assertThat(loop.lastValid()).hasValueSatisfying(
                state -> assertThat(state.service().image().digest()).isEqualTo(V1));
        assertThat(loop.status().stateProblem()).isPresent();
        assertThat(notes).anySatisfy(note -> assertThat(note).startsWith("the state file is invalid, the last valid"));
        assertThat(loop.status().failuresInARow()).isEqualTo(1);
        assertThat(fleet.runs).isEmpty();
    }

    @Test
    void aFailedRolloutIsNotTriedAgainUntilTheDigestChanges() {
        fleet.digests.putAll(Map.of("d1", V1, "d2", V1));
        fleet.failRollouts = true;
        write(V2);

        loop.tick();
        assertThat(fleet.runs).hasSize(1);
        assertThat(loop.status().lastRollout()).hasValueSatisfying(
                rollout -> assertThat(rollout.result()).isEqualTo(WatchStatus.RolloutResult.ROLLED_BACK));
        assertThat(events).extracting(e -> e.getClass().getSimpleName()).contains("RolledBack", "RolloutFailed");

        clock.advance(Duration.ofMinutes(10));
        loop.tick();
        assertThat(fleet.runs).hasSize(1);
        assertThat(notes).anySatisfy(note -> assertThat(note).startsWith("not rolling out"));

        write(V3);
        fleet.failRollouts = false;
        clock.advance(Duration.ofMinutes(10));
        loop.tick();
        assertThat(fleet.runs).hasSize(2);
        assertThat(fleet.digests).containsEntry("d1", V3);
    }

    @Test
    void roundsWithProblemsInARowWaitTwiceAsLongEachTime() {
        fixture.write("fleet.yaml", "not: a state\n");

        loop.tick();
        Instant first = clock.instant();
        assertThat(loop.status().nextRound()).contains(first.plus(INTERVAL));

        clock.advance(INTERVAL);
        loop.tick();
        assertThat(loop.status().failuresInARow()).isEqualTo(2);
        assertThat(loop.status().nextRound()).contains(clock.instant().plus(INTERVAL.multipliedBy(2)));
        assertThat(loop.lastValid()).isEmpty();
    }

    private void write(String digest) {
        fixture.write("fleet.yaml", """
                service:
                  name: demo
                  image: registry/demo@%s
                  ports: ["80:80"]
                droplets:
                  - name: d1
                    host: 10.0.0.1
                  - name: d2
                    host: 10.0.0.2
                ssh:
                  user: deploy
                  identity-file: id_ed25519
                  known-hosts: known_hosts
                balancer:
                  kind: health-check
                  interval: 1s
                  unhealthy-threshold: 2
                  healthy-threshold: 3
                """.formatted(digest));
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {

        private Instant now = FakeFleet.NOW;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
