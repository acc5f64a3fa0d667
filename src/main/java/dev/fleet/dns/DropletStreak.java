package dev.fleet.dns;

/**
 * What {@link DnsFailover} remembers of one droplet between rounds: whether it counts as up (its
 * records belong in DNS), and how many checks in a row it has passed or failed. At most one of the
 * two counts is non-zero.
 *
 * @param up       whether the droplet counts as up: it goes down after {@code failuresToRemove}
 *                 failures in a row, and up again after {@code successesToAdd} passes in a row
 * @param passes   checks passed in a row, up to now
 * @param failures checks failed in a row, up to now
 */
public record DropletStreak(boolean up, int passes, int failures) {

    public DropletStreak {
        if (passes < 0 || failures < 0 || (passes > 0 && failures > 0)) {
            throw new IllegalArgumentException("a streak is of passes or of failures: " + passes + ", " + failures);
        }
    }

    /** A droplet seen for the first time: up if DNS already publishes it, as the baseline. */
    static DropletStreak baseline(boolean published) {
        return new DropletStreak(published, 0, 0);
    }

    DropletStreak after(boolean passed, int failuresToRemove, int successesToAdd) {
        if (passed) {
            int streak = saturated(passes);
            return new DropletStreak(up || streak >= successesToAdd, streak, 0);
        }
        int streak = saturated(failures);
        return new DropletStreak(up && streak < failuresToRemove, 0, streak);
    }

    // A watch may run for years; a count that wrapped round would read as a fresh streak.
    private static int saturated(int count) {
        return count == Integer.MAX_VALUE ? count : count + 1;
    }
}
