package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.fleet.desired.ProbeSpec;
import dev.fleet.desired.StateProblem;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rollout.probe}: the URL an apply asks while it rolls, how often, how patiently, how many failures stop it. */
class RolloutProbeTest {

    private static final String IMAGE =
            "registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

    /** rollout: is line 17, probe: line 18, its first key line 19. */
    private static final String STATE = """
            service:
              name: web
              image: %s
              ports: ["80:80"]
            droplets:
              - {name: droplet-1, host: 10.0.0.1}
              - {name: droplet-2, host: 10.0.0.2}
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
              probe:
            """.formatted(IMAGE);

    @TempDir
    Path dir;

    private StateFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new StateFixture(dir);
    }

    @Test
    void withoutAProbeNothingIsAsked() throws Exception {
        String state = STATE.replace("  probe:\n", "  max-unavailable: 1\n");

        assertThat(fixture.loader().load(fixture.write("fleet.yaml", state)).rollout().probe()).isEmpty();
    }

    @Test
    void aProbeNeedsOnlyItsUrlAndAsksTenTimesASecondWaitingTwoSecondsWithoutALimit() throws Exception {
        ProbeSpec probe = load("    url: https://example.com/health\n");

        assertThat(probe).isEqualTo(new ProbeSpec(URI.create("https://example.com/health"), 10, Duration.ofSeconds(2),
                OptionalInt.empty()));
        assertThat(probe.period()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void plainHttpToAnotherMachineIsFineForAProbeWhichSendsNoSecret() throws Exception {
        ProbeSpec probe = load("    url: http://lb.example.com/health\n    rate: 200/s\n    timeout: 500ms\n"
                + "    max-failures: 5\n");

        assertThat(probe.url()).isEqualTo(URI.create("http://lb.example.com/health"));
        assertThat(probe.rate()).isEqualTo(200);
        assertThat(probe.period()).isEqualTo(Duration.ofMillis(5));
        assertThat(probe.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(probe.maxFailures()).hasValue(5);
    }

    @Test
    void badValuesAreProblemsAtTheirLines() throws Exception {
        List<StateProblem> problems = fixture.problems(STATE + "    url: ftp://example.com/\n    rate: 500/s\n"
                + "    timeout: 2m\n    max-failures: -1\n    every: 5s\n");

        assertThat(problems).extracting(StateProblem::line, StateProblem::message).containsExactlyInAnyOrder(
                tuple(19, "rollout.probe.url: \"ftp://example.com/\" is not an http or https URL"),
                tuple(20, "rollout.probe.rate: 500/s is more than a probe needs"),
                tuple(21, "rollout.probe.timeout: is longer than 30s, the longest a probe's request may take"),
                tuple(22, "rollout.probe.max-failures: -1 is out of range: expected 0 to 1000000"),
                tuple(23, "rollout.probe.every: unknown key"));
    }

    @Test
    void aRateIsPerSecondAndAUrlHoldsNoPassword() throws Exception {
        List<StateProblem> problems = fixture.problems(STATE + "    url: https://ops:hunter2@example.com/\n"
                + "    rate: 20\n");

        assertThat(problems).extracting(StateProblem::line, StateProblem::message).containsExactly(
                tuple(19, "rollout.probe.url: \"https://ops:hunter2@example.com/\" holds a user or password, which the"
                        + " state file must not"),
                tuple(20, "rollout.probe.rate: \"20\" is not a rate"));
    }

    @Test
    void aProbeWithoutAUrlIsAProblemAtTheProbe() throws Exception {
        List<StateProblem> problems = fixture.problems(STATE + "    rate: 20/s\n");

        assertThat(problems).extracting(StateProblem::line, StateProblem::message)
                .containsExactly(tuple(19, "rollout.probe: required key 'url' is missing"));
    }

    private ProbeSpec load(String probe) throws Exception {
        return fixture.loader().load(fixture.write("fleet.yaml", STATE + probe)).rollout().probe().orElseThrow();
    }
}
