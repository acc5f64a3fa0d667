package dev.fleet.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.desired.Revision;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.Health;
import dev.fleet.rollout.watch.RecentApplies;
import dev.fleet.rollout.watch.RolloutDurations;
import dev.fleet.rollout.watch.SyncRounds;
import dev.fleet.rollout.watch.WatchStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The watch's page, JSON and metrics, from one status. */
class WatchReportsTest {

    private static final String V1 = "sha256:" + "a1".repeat(32);
    private static final String V2 = "sha256:" + "b2".repeat(32);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private final DriftReport drift = new DriftReport(Path.of("/clone/fleet.yaml"),
            new Revision(Optional.of("0123456789abcdef0123456789abcdef01234567"), false), "demo", NOW,
            List.of(new DropletDrift("droplet-1", DropletStatus.IN_SYNC, V1, Optional.of(V1), Health.HEALTHY,
                            Optional.of("UP"), Optional.of(NOW.minusSeconds(60)), "runs the desired digest", List.of()),
                    new DropletDrift("droplet-2", DropletStatus.IMAGE_DRIFT, V1, Optional.of(V2), Health.HEALTHY,
                            Optional.of("UP"), Optional.of(NOW.minusSeconds(60)), "runs b2, wants a1", List.of())),
            Optional.empty());

    private final WatchStatus status = new WatchStatus(NOW.minusSeconds(600), "git file:///srv/state branch main, fleet.yaml",
            true, Duration.ofSeconds(30), Optional.of("fetching file:///srv/state failed: <no route>"), Optional.empty(),
            Optional.of(drift), Optional.of(new WatchStatus.Round(NOW.minusSeconds(5), Duration.ofMillis(1250))),
            Optional.of(NOW.minusSeconds(65)), Optional.of(new WatchStatus.Rollout("0123456789ab", NOW.minusSeconds(300),
                    Duration.ofSeconds(24), WatchStatus.RolloutResult.ROLLED_BACK, Optional.of("droplet-1: not healthy"))),
            Map.of(WatchStatus.RolloutResult.SUCCEEDED, 2, WatchStatus.RolloutResult.ROLLED_BACK, 1),
            RolloutDurations.NONE.with(Duration.ofSeconds(24)).with(Duration.ofSeconds(95)).with(Duration.ofHours(2)), 2,
            Optional.of(NOW.plusSeconds(55)), RecentApplies.NONE, SyncRounds.NONE, Optional.empty());

    @Test
    void theMetricsCountDropletsByStatusAndRolloutsByResult() {
        String metrics = PrometheusMetrics.render(status, "1.2.3");

        assertThat(metrics).contains("fleet_droplets{status=\"IN_SYNC\"} 1\n", "fleet_droplets{status=\"IMAGE_DRIFT\"} 1\n",
                "fleet_droplets{status=\"UNREACHABLE\"} 0\n", "fleet_reconcile_duration_seconds 1.250\n",
                "fleet_last_success_timestamp_seconds " + (NOW.getEpochSecond() - 65) + ".000\n",
                "fleet_rollouts_total{result=\"succeeded\"} 2\n", "fleet_rollouts_total{result=\"rolled_back\"} 1\n",
                "fleet_rollouts_total{result=\"failed\"} 0\n", "fleet_source_stale 1\n", "fleet_state_invalid 0\n",
                "fleet_failed_rounds_in_a_row 2\n");
        // Every sample line belongs to a metric announced by HELP and TYPE lines.
        for (String line : metrics.lines().filter(l -> !l.startsWith("#")).toList()) {
            String name = line.split("[{ ]")[0];
            String histogram = name.replaceFirst("_(bucket|sum|count)$", "");
            assertThat(metrics).containsAnyOf("# TYPE " + name + " ", "# TYPE " + histogram + " histogram");
        }
    }

    @Test
    void theMetricsGiveEachDropletsStateTheBuildAndRolloutDurationsAsAHistogram() {
        String metrics = PrometheusMetrics.render(status, "1.2.3");

        assertThat(metrics).contains("fleet_build_info{version=\"1.2.3\"} 1\n",
                "fleet_droplet_status{droplet=\"droplet-1\",status=\"IN_SYNC\"} 1\n",
                "fleet_droplet_status{droplet=\"droplet-2\",status=\"IMAGE_DRIFT\"} 1\n",
                "fleet_droplet_health{droplet=\"droplet-1\",health=\"healthy\"} 1\n",
                "fleet_droplet_balancer{droplet=\"droplet-2\",state=\"UP\"} 1\n",
                "# TYPE fleet_rollout_duration_seconds histogram\n",
                // 24 s, 95 s and 2 h: cumulative counts per upper bound, then all three.
                "fleet_rollout_duration_seconds_bucket{le=\"10\"} 0\n",
                "fleet_rollout_duration_seconds_bucket{le=\"30\"} 1\n",
                "fleet_rollout_duration_seconds_bucket{le=\"120\"} 2\n",
                "fleet_rollout_duration_seconds_bucket{le=\"3600\"} 2\n",
                "fleet_rollout_duration_seconds_bucket{le=\"+Inf\"} 3\n",
                "fleet_rollout_duration_seconds_sum 7319.000\n", "fleet_rollout_duration_seconds_count 3\n");
        assertThat(PrometheusMetrics.label("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    }

    @Test
    void beforeTheFirstRoundTheMetricsSayNothingHappenedYet() {
        String metrics = PrometheusMetrics.render(WatchStatus.starting(NOW, "file fleet.yaml", false, Duration.ofSeconds(30)), "1.2.3");

        assertThat(metrics).contains("fleet_droplets{status=\"IN_SYNC\"} 0\n", "fleet_reconcile_duration_seconds NaN\n",
                "fleet_last_success_timestamp_seconds 0\n");
    }

    @Test
    void theJsonHoldsTheWatchAroundTheDriftReport() throws Exception {
        JsonNode json = new ObjectMapper().readTree(WatchJson.render(status));

        assertThat(json.path("schema").asText()).isEqualTo("fleet.watch/v1");
        assertThat(json.path("stale").asBoolean()).isTrue();
        assertThat(json.path("sourceProblem").asText()).contains("<no route>");
        assertThat(json.path("stateProblem").isNull()).isTrue();
        assertThat(json.path("lastRollout").path("result").asText()).isEqualTo("rolled_back");
        assertThat(json.path("drift").path("schema").asText()).isEqualTo("fleet.drift/v2");
        assertThat(json.path("drift").path("droplets")).hasSize(2);
    }

    @Test
    void thePageRefreshesItselfShowsEachDropletAndEscapesWhatItQuotes() {
        String page = WatchPage.render(status, NOW);

        assertThat(page).contains("<meta http-equiv=\"refresh\" content=\"5\">")
                .contains("data-droplet=\"droplet-1\" data-status=\"IN_SYNC\"")
                .contains("data-droplet=\"droplet-2\" data-status=\"IMAGE_DRIFT\"")
                .contains("id=\"stale\"").contains("&lt;no route&gt;").doesNotContain("<no route>")
                .contains("rolled_back: state 0123456789ab").contains("in 55.0s");
    }
}
