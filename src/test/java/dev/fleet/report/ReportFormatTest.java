package dev.fleet.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.desired.Revision;
import dev.fleet.desired.ServiceRole;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.Health;
import dev.fleet.drift.ServiceDrift;
import dev.fleet.drift.UnmanagedContainer;
import dev.fleet.observed.ImageUse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportFormatTest {

    private static final String V1 = "sha256:" + "a1".repeat(32);
    private static final String V2 = "sha256:" + "b2".repeat(32);
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private final DriftReport report = new DriftReport(Path.of("/repo/fleet-state/fleet.yaml"),
            new Revision(Optional.of("0123456789abcdef0123456789abcdef01234567"), true), "demo", NOW,
            List.of(
                    new DropletDrift("droplet-1", DropletStatus.IN_SYNC, V1, Optional.of(V1), Health.HEALTHY,
                            Optional.of("UP"), Optional.of(NOW.minusSeconds(3725)), "runs the desired digest", List.of())
                            .withImages(Optional.of(new ImageUse(3, 24_150_000))),
                    new DropletDrift("droplet-2", DropletStatus.IMAGE_DRIFT, V1, Optional.of(V2), Health.HEALTHY,
                            Optional.of("UP"), Optional.of(NOW.minusSeconds(42)), "runs b2b2b2b2b2b2, wants a1a1a1a1a1a1",
                            List.of(new UnmanagedContainer("c0ffee", "demo-old", Optional.of(V2), "running"))),
                    new DropletDrift("droplet-3", DropletStatus.UNREACHABLE, V1, Optional.empty(), Health.UNKNOWN,
                            Optional.empty(), Optional.empty(), "unreachable: <script>|*x*", List.of())),
            Optional.empty());

    @Test
    void theTableAlignsColumnsAndEndsWithTheSummary() {
        String table = ReportFormat.TABLE.render(report, false);

        assertThat(table.lines().toList()).containsExactly(
                "fleet drift: service demo, state fleet.yaml at 0123456789ab-dirty, observed 2026-11-22 10:00:00Z",
                "DROPLET    STATUS       DESIRED       RUNNING       HEALTH   BALANCER  SINCE      IMAGES      REASON",
                "droplet-1  IN_SYNC      a1a1a1a1a1a1  a1a1a1a1a1a1  healthy  UP        1h 2m ago  3, 24.2 MB  runs the desired digest",
                "droplet-2  IMAGE_DRIFT  a1a1a1a1a1a1  b2b2b2b2b2b2  healthy  UP        42s ago    -           runs b2b2b2b2b2b2, wants a1a1a1a1a1a1",
                "droplet-3  UNREACHABLE  a1a1a1a1a1a1  -             unknown  -         -          -           unreachable: <script>|*x*",
                "droplet-2  UNMANAGED    -             b2b2b2b2b2b2  -        -         -          -           container demo-old (running) claims service demo",
                "3 droplets: 1 IN_SYNC, 1 IMAGE_DRIFT, 1 UNREACHABLE; 1 UNMANAGED container (drift)");
    }

    @Test
    void theHeadingNamesEveryServiceWhenTheStateHasSeveral() {
        DropletDrift withWorker = report.droplets().get(0).withServices(List.of(new ServiceDrift("worker",
                ServiceRole.WORKER, DropletStatus.IN_SYNC, V1, Optional.of(V1), Health.UNKNOWN, Optional.empty(),
                "runs the desired digest", List.of())));
        DriftReport several = new DriftReport(report.stateFile(), report.revision(), "demo", NOW,
                List.of(withWorker, report.droplets().get(1)), Optional.empty());

        assertThat(ReportRows.heading(several)).startsWith("services demo, worker, state fleet.yaml");
        assertThat(ReportRows.heading(report)).startsWith("service demo, state fleet.yaml");
    }

    @Test
    void theTableIsColouredOnlyWhenAsked() {
        assertThat(ReportFormat.TABLE.render(report, false)).doesNotContain("\u001b[");
        assertThat(ReportFormat.TABLE.render(report, true)).contains("\u001b[32mIN_SYNC\u001b[39m\u001b[0m");
    }

    @Test
    void jsonFollowsTheDocumentedSchema() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ReportFormat.JSON.render(report, false));

        assertThat(json.get("schema").asText()).isEqualTo("fleet.drift/v2");
        assertThat(json.get("revision").get("commit").asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(json.get("revision").get("dirty").asBoolean()).isTrue();
        assertThat(json.get("clean").asBoolean()).isFalse();
        assertThat(json.get("summary").get("IMAGE_DRIFT").asInt()).isEqualTo(1);
        assertThat(json.get("summary").get("MISSING").asInt()).isZero();
        assertThat(json.get("summary").get("UNMANAGED").asInt()).isEqualTo(1);
        assertThat(json.get("summary").get("CONFIG_DRIFT").asInt()).isZero();
        JsonNode first = json.get("droplets").get(0);
        assertThat(first.get("images").get("count").asInt()).isEqualTo(3);
        assertThat(first.get("images").get("bytes").asLong()).isEqualTo(24_150_000L);
        assertThat(first.get("configDifferences").size()).isZero();
        JsonNode second = json.get("droplets").get(1);
        assertThat(second.get("images").isNull()).isTrue();
        assertThat(second.get("name").asText()).isEqualTo("droplet-2");
        assertThat(second.get("desiredDigest").asText()).isEqualTo(V1);
        assertThat(second.get("runningDigest").asText()).isEqualTo(V2);
        assertThat(second.get("since").asText()).isEqualTo("2026-11-22T09:59:18Z");
        assertThat(second.get("unmanaged").get(0).get("name").asText()).isEqualTo("demo-old");
        assertThat(json.get("droplets").get(2).get("runningDigest").isNull()).isTrue();
    }

    @Test
    void markdownIsATableWhoseCellsCannotBreakIt() {
        String markdown = ReportFormat.MARKDOWN.render(report, false);

        assertThat(markdown).startsWith("### fleet drift: demo has drifted\n");
        assertThat(markdown).contains("| droplet-2 | ⚠️ **IMAGE_DRIFT** | `a1a1a1a1a1a1` | `b2b2b2b2b2b2` |");
        assertThat(markdown).contains("unreachable: &lt;script>\\|\\*x\\* |");
        assertThat(markdown.lines().filter(l -> l.startsWith("| droplet-"))).hasSize(4);
    }

    @Test
    void htmlIsOneSelfContainedPageWithEverythingEscaped() {
        String html = ReportFormat.HTML.render(report, false);

        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script").doesNotContain("src=")
                .doesNotContain("href=");
        assertThat(html).contains("&lt;script&gt;|*x*");
        assertThat(html).contains("<tr data-droplet=\"droplet-3\" data-status=\"UNREACHABLE\">");
    }
}
