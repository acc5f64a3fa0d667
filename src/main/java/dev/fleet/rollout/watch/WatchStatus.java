package dev.fleet.rollout.watch;

import dev.fleet.drift.DriftReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code fleet watch} knows at one moment, as the drift page, {@code /drift.json} and {@code
 * /metrics} show it. Immutable: each round publishes a new one.
 *
 * @param started            when the watch began
 * @param source             the state's source in words
 * @param applying           whether rounds converge the fleet ({@code --apply}) or only report
 * @param interval           the time between two rounds
 * @param sourceProblem      why the state in force may be old (the source could not be fetched)
 * @param stateProblem       why the latest state file was not taken (invalid): the last valid one stays in force
 * @param drift              the last observation of the fleet, once there is one
 * @param lastRound          when the last round ended, and how long it took
 * @param lastSuccess        when a round last ended without a problem
 * @param lastRollout        the last rollout a round started, and how it ended
 * @param rollouts           how many rollouts ended each way since the watch began
 * @param durations          how long those rollouts took
 * @param failuresInARow     rounds in a row that ended with a problem (the backoff counts them)
 * @param nextRound          when the next round is due
 * @param applies            the fleet's last applies, from its history (by anyone, before the watch began too)
 * @param sync               droplets in sync at each of the last rounds
 * @param dns                the DNS failover, when the state in force has a dns section
 */
public record WatchStatus(
        Instant started,
        String source,
        boolean applying,
        Duration interval,
        Optional<String> sourceProblem,
        Optional<String> stateProblem,
        Optional<DriftReport> drift,
        Optional<Round> lastRound,
        Optional<Instant> lastSuccess,
        Optional<Rollout> lastRollout,
        Map<RolloutResult, Integer> rollouts,
        RolloutDurations durations,
        int failuresInARow,
        Optional<Instant> nextRound,
        RecentApplies applies,
        SyncRounds sync,
        Optional<DnsView> dns) {

    public WatchStatus {
        rollouts = Map.copyOf(rollouts);
    }

    /** This status with the DNS failover as it is now (its rounds run on their own schedule). */
    public WatchStatus withDns(Optional<DnsView> now) {
        return new WatchStatus(started, source, applying, interval, sourceProblem, stateProblem, drift, lastRound,
                lastSuccess, lastRollout, rollouts, durations, failuresInARow, nextRound, applies, sync, now);
    }

    /** A round: when it ended and how long it took. */
    public record Round(Instant ended, Duration took) {}

    /** How a rollout ended. */
    public enum RolloutResult {
        SUCCEEDED, ROLLED_BACK, FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A rollout a round started. */
    public record Rollout(String commit, Instant started, Duration took, RolloutResult result, Optional<String> failure) {}

    /** The status before the first round. */
    public static WatchStatus starting(Instant now, String source, boolean applying, Duration interval) {
        return new WatchStatus(now, source, applying, interval, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), RolloutDurations.NONE, 0,
                Optional.of(now), RecentApplies.NONE, SyncRounds.NONE, Optional.empty());
    }
}
