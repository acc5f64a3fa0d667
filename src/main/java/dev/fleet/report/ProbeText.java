package dev.fleet.report;

import dev.fleet.apply.ProbeFigures;
import dev.fleet.apply.ProbeLimit;
import java.util.Locale;

/** What {@code rollout.probe} saw, in one line, as apply prints it and the history shows it. */
public final class ProbeText {

    private ProbeText() {}

    /** Such as {@code probe: 1,240 requests, 0 failed, longest gap between successes 0.21s}. */
    public static String line(ProbeFigures probe) {
        long failed = probe.failed();
        return String.format(Locale.ROOT, "probe: %,d request%s, %,d failed%s, longest gap between successes %.2fs",
                probe.requests(), probe.requests() == 1 ? "" : "s", failed,
                failed == 0 ? "" : " (" + ProbeLimit.byKind(probe) + ")", probe.longestGap().toMillis() / 1000.0);
    }
}
