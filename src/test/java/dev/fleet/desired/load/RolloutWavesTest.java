package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.fleet.desired.CanarySpec;
import dev.fleet.desired.OnFailure;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.StateProblem;
import dev.fleet.desired.WaveSize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rollout.waves} and {@code rollout.on-failure}: how fast a rollout goes and what a failure does. */
class RolloutWavesTest {

    private static final String IMAGE =
            "registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

    /** Four droplets; rollout: is line 19, its first key line 20. */
    private static final String FOUR = """
            service:
              name: web
              image: %s
              ports: ["80:80"]
            droplets:
              - {name: droplet-1, host: 10.0.0.1}
              - {name: droplet-2, host: 10.0.0.2}
              - {name: droplet-3, host: 10.0.0.3}
              - {name: droplet-4, host: 10.0.0.4}
            ssh:
              user: deploy
              identity-file: id_ed25519
              known-hosts: known_hosts
            balancer:
              kind: haproxy
              socket: haproxy.sock
              backend: droplets
            # the rollout
            rollout:
            """.formatted(IMAGE);

    @TempDir
    Path dir;

    private StateFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StateFixture(dir);
    }

    @Test
    void withoutWavesDropletsRollOneAtATimeAndAFailureStopsTheRollout() throws Exception {
        RolloutPolicy rollout = load("  max-unavailable: 2\n");

        assertThat(rollout.inWaves()).isFalse();
        assertThat(rollout.onFailure()).isEqualTo(OnFailure.STOP);
    }

    @Test
    void wavesAreCountsAndSharesAndAFailureRevertsByDefault() throws Exception {
        RolloutPolicy rollout = load("  max-unavailable: 2\n  waves: [1, 30%, \"100%\"]\n");

        assertThat(rollout.waves()).containsExactly(WaveSize.droplets(1), WaveSize.share(30), WaveSize.share(100));
        assertThat(rollout.onFailure()).isEqualTo(OnFailure.REVERT);
    }

    @Test
    void onFailureMayStopEvenWithWaves() throws Exception {
        assertThat(load("  waves: [1, 100%]\n  on-failure: stop\n").onFailure()).isEqualTo(OnFailure.STOP);
    }

    @Test
    void withoutAutoRollbackAFailureStopsByDefaultAndARevertIsRefused() throws Exception {
        assertThat(load("  waves: [1, 100%]\n  auto-rollback: false\n").onFailure()).isEqualTo(OnFailure.STOP);

        List<StateProblem> problems = fixture.problems(FOUR + "  auto-rollback: false\n  on-failure: revert\n");

        assertThat(problems).extracting(StateProblem::line, StateProblem::message).containsExactly(tuple(21,
                "rollout.on-failure: revert needs auto-rollback, which is false here: a droplet that failed would"
                        + " stay as it is while the others go back"));
    }

    @Test
    void badWaveSizesSayWhichElementAndWhy() throws Exception {
        List<StateProblem> problems = fixture.problems(FOUR + "  waves: [0, 150%, half, 2]\n  on-failure: later\n");

        assertThat(problems).extracting(StateProblem::line, StateProblem::message).containsExactly(
                tuple(20, "rollout.waves[0]: \"0\" is not a wave size"),
                tuple(20, "rollout.waves[1]: 150% is more than every droplet"),
                tuple(20, "rollout.waves[2]: \"half\" is not a wave size"),
                tuple(21, "rollout.on-failure: \"later\" is not what a failure does"));
    }

    @Test
    void anEmptyListOfWavesIsRefused() throws Exception {
        List<StateProblem> problems = fixture.problems(FOUR + "  waves: []\n");

        assertThat(problems).extracting(StateProblem::message).containsExactly("rollout.waves: the list is empty");
    }

    @Test
    void aCanarySoaksTheFirstWaveWithDefaultsForItsThresholds() throws Exception {
        RolloutPolicy rollout = load("  waves: [1, 100%]\n  canary:\n    soak: 2m\n");

        assertThat(rollout.canary()).hasValue(new CanarySpec(Duration.ofMinutes(2), 0.01, 20));
        assertThat(load("  waves: [1, 100%]\n  canary: {soak: 30s, max-error-rate: 0.5%, min-requests: 0}\n")
                .canary()).hasValue(new CanarySpec(Duration.ofSeconds(30), 0.005, 0));
    }

    @Test
    void aCanaryNeedsWavesAndAutoRollbackAndASoak() throws Exception {
        List<StateProblem> problems = fixture.problems(FOUR + "  auto-rollback: false\n  canary:\n    soak: 0s\n"
                + "    max-error-rate: 2\n");

        assertThat(problems).extracting(StateProblem::line, StateProblem::message).containsExactly(
                tuple(22, "rollout.canary: a canary is the first wave of a rollout in waves, and there are no waves"),
                tuple(22, "rollout.canary.soak: \"0s\" is zero; a duration is more than zero"),
                tuple(23, "rollout.canary.max-error-rate: \"2\" is not a percentage"));
    }

    private RolloutPolicy load(String rollout) throws Exception {
        return fixture.loader().load(fixture.write("fleet.yaml", FOUR + rollout)).rollout();
    }
}
