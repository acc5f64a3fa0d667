package dev.fleet.rollout.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The histories of a fleet's droplets as one: each apply once (every droplet that answered kept its
 * record), each broken lease once (a break is recorded on every droplet, a moment apart), in time order.
 */
final class MergedHistory {

    /** Breaks of the same lease by the same person this close together are one {@code fleet unlock}. */
    private static final long SAME_BREAK_SECONDS = 60;

    private MergedHistory() {}

    static List<HistoryEntry> of(List<List<HistoryEntry>> histories, int limit) {
        Map<String, HistoryEntry> applies = new LinkedHashMap<>();
        List<HistoryEntry.LeaseBroken> breaks = new ArrayList<>();
        for (List<HistoryEntry> history : histories) {
            for (HistoryEntry entry : history) {
                switch (entry) {
                    case HistoryEntry.Apply apply -> applies.putIfAbsent(apply.record().run(), apply);
                    case HistoryEntry.LeaseBroken broken -> {
                        if (breaks.stream().noneMatch(seen -> sameBreak(seen, broken))) {
                            breaks.add(broken);
                        }
                    }
                }
            }
        }
        List<HistoryEntry> merged = new ArrayList<>(applies.values());
        merged.addAll(breaks);
        merged.sort(Comparator.comparing(MergedHistory::time));
        return List.copyOf(merged.subList(Math.max(0, merged.size() - limit), merged.size()));
    }

    private static boolean sameBreak(HistoryEntry.LeaseBroken a, HistoryEntry.LeaseBroken b) {
        return a.by().equals(b.by()) && leaseRun(a.lease()).equals(leaseRun(b.lease()))
                && Math.abs(a.at().getEpochSecond() - b.at().getEpochSecond()) <= SAME_BREAK_SECONDS;
    }

    /** The run a broken lease's line named ({@code run=ID ...}), or the whole line when it named none. */
    private static String leaseRun(String lease) {
        for (String word : lease.split(" ")) {
            if (word.startsWith("run=")) {
                return word;
            }
        }
        return lease;
    }

    private static Instant time(HistoryEntry entry) {
        return switch (entry) {
            case HistoryEntry.Apply apply -> apply.record().started();
            case HistoryEntry.LeaseBroken broken -> broken.at();
        };
    }
}
