package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code rollout.probe} on a real lab, asking the lab's HAProxy as a client would: a rollout drained
 * through the balancer's API fails no request; the bad image, which never passes its health check,
 * is rolled back without a client noticing; and a state whose drain does not wait for the balancer
 * (it claims HAProxy notices a droplet leave in 200 ms, where it takes two checks a second apart)
 * makes the probe see failures, and with {@code max-failures: 0} stops the rollout at the first
 * droplet, rolled back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProbeIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Order(1)
    void aRolloutDrainedThroughTheBalancerFailsNoRequestOfTheProbe() throws Exception {
        lab().commitState(state -> probed(state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2")), ""),
                "v2, probed");

        FleetProcess.Result apply = apply();

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        assertThat(apply.stdout()).contains("While they roll, the probe asks " + url() + " 50 times a second");
        assertThat(apply.stdout()).containsPattern("probe: [0-9,]+ requests, 0 failed, longest gap between successes"
                + " [0-9.]+s \\(" + url() + "\\)");
        JsonNode probe = lastApply().path("probe");
        assertThat(probe.path("requests").asLong()).as(probe.toString()).isGreaterThan(20);
        assertThat(probe.path("failures").size()).as(probe.toString()).isZero();
        assertThat(probe.path("longestGapSeconds").asDouble()).as(probe.toString()).isPositive().isLessThan(1.0);
        assertThat(probe.path("url").asText()).isEqualTo(url());
    }

    @Test
    @Order(2)
    void theBadImageIsRolledBackWithoutAFailedRequest() throws Exception {
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_BAD"))
                .replace("  health-timeout: 30s\n", "  health-timeout: 5s\n"), "bad, probed");

        FleetProcess.Result apply = apply();

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
        assertThat(apply.stdout()).containsPattern("(?m)^  \\S+ +rolled-back ").containsPattern("probe: [0-9,]+ requests, 0 failed");
        JsonNode last = lastApply();
        assertThat(last.path("result").asText()).isEqualTo("rolled-back");
        assertThat(last.path("probe").path("requests").asLong()).isPositive();
        assertThat(last.path("probe").path("failures").size()).as(last.toString()).isZero();
    }

    @Test
    @Order(3)
    void aDrainThatDoesNotWaitForTheBalancerFailsRequestsAndMaxFailuresStopsTheRollout() throws Exception {
        lab().commitState(state -> probed(state.replace(lab().env("LAB_IMAGE_BAD"), lab().env("LAB_IMAGE_V1"))
                .replace("  health-timeout: 5s\n", "  health-timeout: 30s\n")
                .replaceAll("(?m)^  probe:\n(    .*\n)+", "")
                .replaceAll("(?s)balancer:\n  kind: haproxy\n.*?\n(?=\\S)", "balancer:\n  kind: health-check\n"
                        + "  interval: 100ms\n  unhealthy-threshold: 1\n  healthy-threshold: 1\n"),
                "    max-failures: 0\n"), "v1 with a drain that does not wait");

        FleetProcess.Result apply = apply("-o", "json");

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
        assertThat(apply.stderr()).contains("the probe at " + url() + " failed").contains("(max-failures 0)")
                .containsPattern("probe: [0-9,]+ requests, [1-9][0-9,]* failed \\(");
        JsonNode result = new ObjectMapper().readTree(apply.stdout());
        assertThat(result.path("outcome").asText()).isEqualTo("rollout_failed");
        assertThat(result.path("exitCode").asInt()).isEqualTo(ExitCodes.ROLLOUT_FAILED);
        assertThat(result.path("probe").path("url").asText()).isEqualTo(url());
        assertThat(result.path("probe").path("failures").size()).as(result.toString()).isPositive();
        assertThat(result.path("droplets").get(0).path("result").asText()).isEqualTo("rolled-back");
        JsonNode last = lastApply();
        assertThat(last.path("droplets").get(0).path("result").asText()).as(last.toString()).isEqualTo("rolled-back");
        assertThat(last.path("droplets").get(1).path("result").asText()).as(last.toString()).isEqualTo("skipped");
        long failed = 0;
        for (JsonNode count : last.path("probe").path("failures")) {
            failed += count.asLong();
        }
        assertThat(failed).as(last.toString()).isPositive();
    }

    private static String probed(String state, String more) {
        return state.replace("  health-timeout: 30s\n", "  health-timeout: 30s\n  probe:\n    url: " + url()
                + "\n    rate: 50/s\n    timeout: 2s\n" + more);
    }

    private static String url() {
        return lab().env("LAB_LB_URL") + "/";
    }

    /** Runs the apply and prints its probe line, the figure this test is about. */
    private static FleetProcess.Result apply(String... more) {
        List<String> args = new ArrayList<>(List.of("apply", "--yes", "--state", lab().stateFile().toString()));
        args.addAll(List.of(more));
        FleetProcess.Result apply = FleetProcess.run(args.toArray(String[]::new));
        (apply.stdout() + apply.stderr()).lines().filter(line -> line.strip().startsWith("probe:"))
                .forEach(line -> System.out.println("ProbeIT: " + line.strip()));
        return apply;
    }

    private static JsonNode lastApply() throws Exception {
        FleetProcess.Result history = FleetProcess.run("history", "-o", "json", "--state", lab().stateFile().toString());
        assertThat(history.exitCode()).as(history.stderr()).isZero();
        JsonNode entries = JSON.readTree(history.stdout()).path("entries");
        JsonNode last = null;
        for (JsonNode entry : entries) {
            if (entry.path("kind").asText().equals("apply")) {
                last = entry;
            }
        }
        assertThat(last).as(history.stdout()).isNotNull();
        return last;
    }

    private static Lab lab() {
        return lab.get();
    }
}
