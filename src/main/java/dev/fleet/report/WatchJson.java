package dev.fleet.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.rollout.watch.WatchStatus;

/**
 * {@code /drift.json}: the watch's own state ({@code fleet.watch/v1}) around the last drift report,
 * which is exactly {@code fleet drift --output json}'s ({@code fleet.drift/v2}), or null before the
 * first observation. Pure.
 */
public final class WatchJson {

    public static final String SCHEMA = "fleet.watch/v1";

    private WatchJson() {}

    public static String render(WatchStatus status) {
        ObjectNode root = JsonTrees.object();
        root.put("schema", SCHEMA);
        root.put("source", status.source());
        root.put("applying", status.applying());
        root.put("intervalSeconds", status.interval().toMillis() / 1000.0);
        root.put("stale", status.sourceProblem().isPresent());
        root.put("sourceProblem", status.sourceProblem().orElse(null));
        root.put("stateProblem", status.stateProblem().orElse(null));
        if (status.lastRound().isPresent()) {
            WatchStatus.Round round = status.lastRound().get();
            root.putObject("lastRound").put("ended", round.ended().toString()).put("seconds", round.took().toMillis() / 1000.0);
        } else {
            root.putNull("lastRound");
        }
        root.put("lastSuccess", status.lastSuccess().map(Object::toString).orElse(null));
        root.put("failedRoundsInARow", status.failuresInARow());
        if (status.lastRollout().isPresent()) {
            WatchStatus.Rollout rollout = status.lastRollout().get();
            root.putObject("lastRollout").put("commit", rollout.commit()).put("started", rollout.started().toString())
                    .put("seconds", rollout.took().toMillis() / 1000.0).put("result", rollout.result().label())
                    .put("failure", rollout.failure().orElse(null));
        } else {
            root.putNull("lastRollout");
        }
        if (status.drift().isPresent()) {
            root.set("drift", JsonReport.tree(status.drift().get()));
        } else {
            root.putNull("drift");
        }
        return JsonTrees.pretty(root);
    }
}
