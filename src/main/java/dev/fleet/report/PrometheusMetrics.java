package dev.fleet.report;

import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.rollout.watch.RolloutDurations;
import dev.fleet.rollout.watch.WatchStatus;
import java.util.List;
import java.util.Locale;

/**
 * {@code fleet watch}'s metrics in Prometheus's text exposition format (version 0.0.4): the build,
 * droplets by status and each droplet's status, health and balancer state, the last round's
 * duration, the time of the last success, rollouts by result and their durations as a histogram,
 * and whether the source is stale or the latest state invalid. Pure.
 */
public final class PrometheusMetrics {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusMetrics() {}

    /** The metrics of {@code status}, from fleet {@code version}. */
    public static String render(WatchStatus status, String version) {
        var text = new StringBuilder();
        metric(text, "fleet_build_info", "gauge", "The running fleet's version, as a label; always 1.");
        text.append("fleet_build_info{version=\"").append(label(version)).append("\"} 1\n");
        metric(text, "fleet_droplets", "gauge", "Droplets by their status in the last observation.");
        for (DropletStatus each : DropletStatus.values()) {
            long count = status.drift().map(d -> d.droplets().stream().map(DropletDrift::status).filter(each::equals)
                    .count()).orElse(0L);
            text.append("fleet_droplets{status=\"").append(each.name()).append("\"} ").append(count).append('\n');
        }
        droplets(text, status);
        metric(text, "fleet_reconcile_duration_seconds", "gauge", "How long the last round took.");
        text.append("fleet_reconcile_duration_seconds ")
                .append(status.lastRound().map(r -> number(r.took().toMillis() / 1000.0)).orElse("NaN")).append('\n');
        metric(text, "fleet_last_success_timestamp_seconds", "gauge", "When a round last ended without a problem and with every droplet observed.");
        text.append("fleet_last_success_timestamp_seconds ")
                .append(status.lastSuccess().map(t -> number(t.toEpochMilli() / 1000.0)).orElse("0")).append('\n');
        metric(text, "fleet_rollouts_total", "counter", "Rollouts since the watch began, by how they ended.");
        for (WatchStatus.RolloutResult result : WatchStatus.RolloutResult.values()) {
            text.append("fleet_rollouts_total{result=\"").append(result.label()).append("\"} ")
                    .append(status.rollouts().getOrDefault(result, 0)).append('\n');
        }
        durations(text, status.durations());
        metric(text, "fleet_source_stale", "gauge", "1 when the state's source could not be fetched.");
        text.append("fleet_source_stale ").append(status.sourceProblem().isPresent() ? 1 : 0).append('\n');
        metric(text, "fleet_state_invalid", "gauge", "1 when the latest state file is invalid (the last valid one is used).");
        text.append("fleet_state_invalid ").append(status.stateProblem().isPresent() ? 1 : 0).append('\n');
        metric(text, "fleet_failed_rounds_in_a_row", "gauge", "Rounds in a row that ended with a problem or with a droplet that could not be observed.");
        text.append("fleet_failed_rounds_in_a_row ").append(status.failuresInARow()).append('\n');
        return text.toString();
    }

    /** Per droplet, as the last observation saw it: one series with value 1 per droplet and state. */
    private static void droplets(StringBuilder text, WatchStatus status) {
        List<DropletDrift> droplets = status.drift().map(DriftReport::droplets).orElse(List.of());
        metric(text, "fleet_droplet_status", "gauge", "1 for each droplet's status in the last observation.");
        droplets.forEach(d -> text.append("fleet_droplet_status{droplet=\"").append(label(d.droplet()))
                .append("\",status=\"").append(d.status().name()).append("\"} 1\n"));
        metric(text, "fleet_droplet_health", "gauge", "1 for each droplet's app health in the last observation.");
        droplets.forEach(d -> text.append("fleet_droplet_health{droplet=\"").append(label(d.droplet()))
                .append("\",health=\"").append(d.health().name().toLowerCase(Locale.ROOT)).append("\"} 1\n"));
        metric(text, "fleet_droplet_balancer", "gauge", "1 for each droplet's state in the balancer, when it can be asked.");
        droplets.forEach(d -> d.balancer().ifPresent(state -> text.append("fleet_droplet_balancer{droplet=\"")
                .append(label(d.droplet())).append("\",state=\"").append(label(state)).append("\"} 1\n")));
    }

    private static void durations(StringBuilder text, RolloutDurations durations) {
        metric(text, "fleet_rollout_duration_seconds", "histogram", "How long the watch's rollouts took.");
        for (int bucket = 0; bucket < RolloutDurations.BOUNDS.size(); bucket++) {
            text.append("fleet_rollout_duration_seconds_bucket{le=\"")
                    .append(RolloutDurations.BOUNDS.get(bucket).toSeconds()).append("\"} ")
                    .append(durations.atMost(bucket)).append('\n');
        }
        text.append("fleet_rollout_duration_seconds_bucket{le=\"+Inf\"} ").append(durations.count()).append('\n');
        text.append("fleet_rollout_duration_seconds_sum ").append(number(durations.seconds())).append('\n');
        text.append("fleet_rollout_duration_seconds_count ").append(durations.count()).append('\n');
    }

    /** A label value as the text format wants it: backslash, quote and line break escaped. */
    static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void metric(StringBuilder text, String name, String type, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
