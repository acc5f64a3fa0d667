package dev.fleet.report;

import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.rollout.watch.WatchStatus;
import java.util.Locale;

/**
 * {@code fleet watch}'s metrics in Prometheus's text exposition format (version 0.0.4): droplets
 * by status, the last round's duration, the time of the last success, rollouts by result, and
 * whether the source is stale or the latest state invalid. Pure.
 */
public final class PrometheusMetrics {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusMetrics() {}

    public static String render(WatchStatus status) {
        var text = new StringBuilder();
        metric(text, "fleet_droplets", "gauge", "Droplets by their status in the last observation.");
        for (DropletStatus each : DropletStatus.values()) {
            long count = status.drift().map(d -> d.droplets().stream().map(DropletDrift::status).filter(each::equals)
                    .count()).orElse(0L);
            text.append("fleet_droplets{status=\"").append(each.name()).append("\"} ").append(count).append('\n');
        }
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
        metric(text, "fleet_source_stale", "gauge", "1 when the state's source could not be fetched.");
        text.append("fleet_source_stale ").append(status.sourceProblem().isPresent() ? 1 : 0).append('\n');
        metric(text, "fleet_state_invalid", "gauge", "1 when the latest state file is invalid (the last valid one is used).");
        text.append("fleet_state_invalid ").append(status.stateProblem().isPresent() ? 1 : 0).append('\n');
        metric(text, "fleet_failed_rounds_in_a_row", "gauge", "Rounds in a row that ended with a problem or with a droplet that could not be observed.");
        text.append("fleet_failed_rounds_in_a_row ").append(status.failuresInARow()).append('\n');
        return text.toString();
    }

    private static void metric(StringBuilder text, String name, String type, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
