package dev.fleet.rollout.ledger;

import dev.fleet.apply.ProbeFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One apply as the history keeps it.
 *
 * @param run       the apply's run id
 * @param who       who ran it
 * @param commit    the state's commit, or a description when not in git
 * @param started   when it started
 * @param took      how long it took
 * @param result    {@code converged}, {@code nothing-to-do}, {@code refused}, {@code rolled-back} or {@code failed}
 * @param droplets  what happened to each droplet
 * @param failure   why it stopped, when it did
 * @param hooks     each deploy hook it ran or found already run: what, where, and how it ended; a
 *                  failed one's output tail is in {@code failure}
 * @param probe     what {@code rollout.probe} saw during the rollout, when there was one (older
 *                  records have none)
 */
public record ApplyRecord(
        String run, String who, String commit, Instant started, Duration took, String result,
        List<DropletRecord> droplets, Optional<String> failure, List<String> hooks, Optional<ProbeFigures> probe) {

    public ApplyRecord {
        droplets = List.copyOf(droplets);
        hooks = List.copyOf(hooks);
    }

    /** An apply without a probe. */
    public ApplyRecord(String run, String who, String commit, Instant started, Duration took, String result,
            List<DropletRecord> droplets, Optional<String> failure, List<String> hooks) {
        this(run, who, commit, started, took, result, droplets, failure, hooks, Optional.empty());
    }

    /** An apply without deploy hooks. */
    public ApplyRecord(String run, String who, String commit, Instant started, Duration took, String result,
            List<DropletRecord> droplets, Optional<String> failure) {
        this(run, who, commit, started, took, result, droplets, failure, List.of());
    }

    /**
     * One droplet in an apply.
     *
     * @param steps each step as {@code "description: 1.2s"}, with {@code " FAILED: why"} when it failed
     */
    public record DropletRecord(String droplet, String fromDigest, String toDigest, String result, List<String> steps) {
        public DropletRecord {
            steps = List.copyOf(steps);
        }
    }
}
