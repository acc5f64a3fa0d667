package dev.fleet.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.apply.ProbeFigures;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import java.util.List;

/**
 * A fleet's history as JSON, schema {@value #SCHEMA}, oldest first: each apply (who, commit, result,
 * duration, each droplet's digests, result and steps, and what {@code rollout.probe} saw, when it
 * ran) and each broken lock. Fields are only ever
 * added to this schema; a change that removes or renames one gets a new schema name. Built as a
 * Jackson tree, so the field order is the code's.
 */
public final class HistoryJson {

    public static final String SCHEMA = "fleet.history/v1";

    private HistoryJson() {}

    public static String render(String service, List<HistoryEntry> entries) {
        ObjectNode root = JsonTrees.object();
        root.put("schema", SCHEMA);
        root.put("service", service);
        ArrayNode list = root.putArray("entries");
        for (HistoryEntry entry : entries) {
            switch (entry) {
                case HistoryEntry.LeaseBroken broken -> list.addObject().put("kind", "lock_broken")
                        .put("at", broken.at().toString()).put("by", broken.by()).put("lease", broken.lease());
                case HistoryEntry.Apply apply -> apply(list.addObject(), apply.record());
            }
        }
        return JsonTrees.pretty(root);
    }

    private static void apply(ObjectNode node, ApplyRecord record) {
        node.put("kind", "apply");
        node.put("run", record.run());
        node.put("who", record.who());
        node.put("commit", record.commit());
        node.put("started", record.started().toString());
        node.put("seconds", record.took().toMillis() / 1000.0);
        node.put("result", record.result());
        node.put("failure", record.failure().orElse(null));
        ArrayNode hooks = node.putArray("hooks");
        record.hooks().forEach(hooks::add);
        record.probe().ifPresent(probe -> probe(node.putObject("probe"), probe));
        ArrayNode droplets = node.putArray("droplets");
        for (ApplyRecord.DropletRecord droplet : record.droplets()) {
            ObjectNode each = droplets.addObject();
            each.put("droplet", droplet.droplet());
            each.put("result", droplet.result());
            each.put("fromDigest", droplet.fromDigest().isEmpty() ? null : droplet.fromDigest());
            each.put("toDigest", droplet.toDigest());
            ArrayNode steps = each.putArray("steps");
            droplet.steps().forEach(steps::add);
        }
    }

    /** What {@code rollout.probe} saw, as the history and the apply's result write it. */
    static void probe(ObjectNode figures, ProbeFigures probe) {
        figures.put("url", probe.url());
        figures.put("requests", probe.requests());
        ObjectNode failures = figures.putObject("failures");
        probe.failuresInOrder().forEach(failures::put);
        figures.put("longestGapSeconds", probe.longestGap().toMillis() / 1000.0);
    }
}
