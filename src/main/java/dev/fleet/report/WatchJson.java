package dev.fleet.report;

import dev.fleet.rollout.watch.WatchStatus;
import java.util.Optional;

/**
 * {@code /drift.json}: the watch's own state ({@code fleet.watch/v1}) around the last drift report,
 * which is exactly {@code fleet drift --output json}'s ({@code fleet.drift/v2}), or null before the
 * first observation. Pure.
 */
public final class WatchJson {

    public static final String SCHEMA = "fleet.watch/v1";

    private WatchJson() {}

    public static String render(WatchStatus status) {
        var json = new StringBuilder("{\n");
        json.append("  \"schema\": ").append(JsonReport.quote(SCHEMA)).append(",\n");
        json.append("  \"source\": ").append(JsonReport.quote(status.source())).append(",\n");
        json.append("  \"applying\": ").append(status.applying()).append(",\n");
        json.append("  \"intervalSeconds\": ").append(status.interval().toMillis() / 1000.0).append(",\n");
        json.append("  \"stale\": ").append(status.sourceProblem().isPresent()).append(",\n");
        json.append("  \"sourceProblem\": ").append(quoteOrNull(status.sourceProblem())).append(",\n");
        json.append("  \"stateProblem\": ").append(quoteOrNull(status.stateProblem())).append(",\n");
        json.append("  \"lastRound\": ").append(status.lastRound().map(r -> "{\"ended\": " + JsonReport.quote(
                r.ended().toString()) + ", \"seconds\": " + r.took().toMillis() / 1000.0 + "}").orElse("null")).append(",\n");
        json.append("  \"lastSuccess\": ").append(quoteOrNull(status.lastSuccess().map(Object::toString))).append(",\n");
        json.append("  \"failedRoundsInARow\": ").append(status.failuresInARow()).append(",\n");
        json.append("  \"lastRollout\": ").append(status.lastRollout().map(r -> "{\"commit\": " + JsonReport.quote(
                r.commit()) + ", \"started\": " + JsonReport.quote(r.started().toString()) + ", \"seconds\": "
                + r.took().toMillis() / 1000.0 + ", \"result\": " + JsonReport.quote(r.result().label())
                + ", \"failure\": " + quoteOrNull(r.failure()) + "}").orElse("null")).append(",\n");
        json.append("  \"drift\": ").append(status.drift().map(d -> JsonReport.render(d).strip()).orElse("null"));
        return json.append("\n}\n").toString();
    }

    private static String quoteOrNull(Optional<String> value) {
        return value.map(JsonReport::quote).orElse("null");
    }
}
