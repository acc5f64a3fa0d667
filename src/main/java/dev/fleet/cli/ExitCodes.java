package dev.fleet.cli;

import dev.fleet.drift.DriftReport;

/** fleet's exit codes, the same for every command. Scripts rely on them: never renumber. */
final class ExitCodes {

    /** Done; for drift: everything in sync. */
    static final int SUCCESS = 0;

    /** Could not run: bad input or usage, or a failure before any work was done. */
    static final int COULD_NOT_RUN = 1;

    /** Ran, and found drift: some droplet is not what the desired state says. */
    static final int DRIFT = 2;

    /** apply: the rollout failed and stopped after changing a droplet (rolled back, or left out of rotation). */
    static final int ROLLOUT_FAILED = 3;

    /** apply: another apply holds the fleet's lock; nothing was changed. */
    static final int LOCKED = 4;

    /**
     * Some droplet could not be observed at all (unreachable): what was seen is reported (drift, plan)
     * or converged (apply), the rest is unknown. Comes before {@link #DRIFT}, so that CI can tell an
     * outage from a pending change.
     */
    static final int UNREACHABLE = 5;

    /** {@link #UNREACHABLE} when some droplet of {@code report} was not reached, else {@code otherwise}. */
    static int unlessUnreachable(DriftReport report, int otherwise) {
        return report.unreachable().isEmpty() ? otherwise : UNREACHABLE;
    }

    private ExitCodes() {}
}
