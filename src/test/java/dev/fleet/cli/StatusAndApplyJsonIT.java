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
 * {@code fleet apply -o json|json-lines} and {@code fleet status} on a real lab, read as a program
 * would: every line parses, the schemas are named, and the fields say what the apply did and what
 * runs where.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusAndApplyJsonIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Order(1)
    void anApplyAsJsonLinesTellsEachStepAsItHappensAndEndsWithTheResult() throws Exception {
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2")), "v2");

        FleetProcess.Result apply = FleetProcess.run("apply", "-y", "-o", "json-lines", "-s", lab().stateFile().toString());

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : apply.stdout().lines().toList()) {
            lines.add(JSON.readTree(line)); // every line of stdout is one JSON object
        }
        assertThat(lines.getFirst().path("type").asText()).isEqualTo("planned");
        assertThat(lines.getFirst().path("order")).hasSize(2);
        List<JsonNode> steps = lines.stream().filter(l -> l.path("type").asText().equals("step")).toList();
        assertThat(steps).isNotEmpty().allSatisfy(step -> {
            assertThat(step.path("schema").asText()).isEqualTo("fleet.apply.event/v1");
            assertThat(step.path("ok").asBoolean()).isTrue();
            assertThat(step.path("elapsedSeconds").isNumber()).isTrue();
        });
        assertThat(steps).extracting(step -> step.path("droplet").asText()).contains("droplet-1", "droplet-2");
        JsonNode result = lines.getLast();
        assertThat(result.path("schema").asText()).isEqualTo("fleet.apply/v1");
        assertThat(result.path("outcome").asText()).isEqualTo("converged");
        assertThat(result.path("exitCode").asInt()).isZero();
        assertThat(result.path("droplets")).hasSize(2).allSatisfy(droplet -> {
            assertThat(droplet.path("result").asText()).isEqualTo("converged");
            assertThat(droplet.path("toDigest").asText()).startsWith("sha256:");
            assertThat(droplet.path("fromDigest").asText()).startsWith("sha256:").isNotEqualTo(droplet.path("toDigest").asText());
            assertThat(droplet.path("steps")).isNotEmpty();
        });
        assertThat(apply.stderr()).contains("Applied in"); // the summary, in words, where it does not break the stream
    }

    @Test
    @Order(2)
    void anApplyAsJsonOnAConvergedFleetSaysNothingToDoInOneDocument() throws Exception {
        FleetProcess.Result apply = FleetProcess.run("apply", "--yes", "--output", "json", "--state",
                lab().stateFile().toString());

        assertThat(apply.exitCode()).as(apply.stderr()).isZero();
        JsonNode result = JSON.readTree(apply.stdout());
        assertThat(result.path("schema").asText()).isEqualTo("fleet.apply/v1");
        assertThat(result.path("outcome").asText()).isEqualTo("nothing_to_do");
        assertThat(result.path("unreachable")).isEmpty();
        assertThat(result.path("revision").path("commit").asText()).isNotEmpty();
    }

    @Test
    @Order(3)
    void statusShowsEachDropletsContainerUptimeRestartsBalancerAndLastApply() {
        FleetProcess.Result status = FleetProcess.run("status", "-s", lab().stateFile().toString());

        assertThat(status.exitCode()).as(status.stdout() + status.stderr()).isZero();
        assertThat(status.stdout()).containsPattern("(?m)^droplet-1 +in sync, healthy, balancer UP$")
                .containsPattern("(?m)^droplet-2 +in sync, healthy, balancer UP$")
                .containsPattern("(?m)^  demo +[0-9a-f]{12} +up [0-9]+[smhd].*, 0 restarts")
                .containsPattern("(?m)^  last apply: .* run .* by .*: converged [0-9a-f]{12} -> [0-9a-f]{12} \\(apply converged, ")
                .doesNotContain("IN_SYNC");
    }

    @Test
    @Order(4)
    void statusAsJsonCarriesTheSameFieldsAndPsIsItsOtherName() throws Exception {
        FleetProcess.Result status = FleetProcess.run("ps", "-o", "json", "-s", lab().stateFile().toString());

        assertThat(status.exitCode()).as(status.stderr()).isZero();
        JsonNode json = JSON.readTree(status.stdout());
        assertThat(json.path("schema").asText()).isEqualTo("fleet.status/v1");
        assertThat(json.path("droplets")).hasSize(2).allSatisfy(droplet -> {
            assertThat(droplet.path("status").asText()).isEqualTo("in_sync");
            assertThat(droplet.path("health").asText()).isEqualTo("healthy");
            assertThat(droplet.path("balancer").asText()).isEqualTo("UP");
            JsonNode container = droplet.path("containers").get(0);
            assertThat(container.path("service").asText()).isEqualTo("demo");
            assertThat(container.path("state").asText()).isEqualTo("running");
            assertThat(container.path("digest").asText()).isEqualTo(droplet.path("desiredDigest").asText());
            assertThat(container.path("uptimeSeconds").asLong()).isNotNegative();
            assertThat(container.path("restarts").asInt()).isZero();
            JsonNode last = droplet.path("lastApply");
            assertThat(last.path("result").asText()).isEqualTo("converged");
            assertThat(last.path("toDigest").asText()).isEqualTo(droplet.path("desiredDigest").asText());
            assertThat(last.path("run").asText()).isNotEmpty();
        });
    }

    @Test
    @Order(5)
    void aBadOutputFormatIsRefusedBeforeAnyWork() {
        FleetProcess.Result apply = FleetProcess.run("apply", "-y", "-o", "yaml", "-s", lab().stateFile().toString());

        assertThat(apply.exitCode()).isEqualTo(1);
        assertThat(apply.stderr()).contains("--output is text, json or json-lines, not 'yaml'");
    }

    private static Lab lab() {
        return lab.get();
    }
}
