package dev.fleet.report;

import dev.fleet.desired.Durations;
import dev.fleet.desired.ImageRef;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** A fleet's history for people, oldest first: each apply, its droplets and (on request) their steps. */
public final class HistoryReport {

    private HistoryReport() {}

    public static String render(String service, List<HistoryEntry> entries, boolean steps) {
        StringBuilder text = new StringBuilder();
        if (entries.isEmpty()) {
            text.append("fleet history: no apply recorded yet for service ").append(service).append('\n');
        }
        for (HistoryEntry entry : entries) {
            switch (entry) {
                case HistoryEntry.LeaseBroken broken -> text.append(broken.at()).append("  lock broken by ")
                        .append(broken.by()).append(" (lease: ").append(broken.lease()).append(")\n");
                case HistoryEntry.Apply apply -> apply(text, apply.record(), steps);
            }
        }
        return text.toString();
    }

    private static void apply(StringBuilder text, ApplyRecord record, boolean steps) {
        text.append(record.started().truncatedTo(ChronoUnit.SECONDS)).append("  ").append(record.result())
                .append("  run ").append(record.run()).append(" by ").append(record.who()).append(", state ")
                .append(record.commit()).append(", ").append(Durations.took(record.took())).append('\n');
        record.failure().ifPresent(f -> text.append("    ").append(f).append('\n'));
        record.hooks().forEach(hook -> text.append("    hook: ").append(hook).append('\n'));
        record.probe().ifPresent(probe -> text.append("    ").append(ProbeText.line(probe)).append('\n'));
        for (ApplyRecord.DropletRecord droplet : record.droplets()) {
            text.append(String.format("    %-16s %-11s %s -> %s", droplet.droplet(), droplet.result(),
                    droplet.fromDigest().isEmpty() ? "nothing" : ImageRef.shortForm(droplet.fromDigest()),
                    ImageRef.shortForm(droplet.toDigest()))).append('\n');
            if (steps) {
                droplet.steps().forEach(step -> text.append("        ").append(step).append('\n'));
            }
        }
    }
}
