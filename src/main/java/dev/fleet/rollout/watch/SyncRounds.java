package dev.fleet.rollout.watch;

import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How many droplets were in sync at each round the watch observed, the last {@link #CAPACITY} rounds
 * of its life: the page's plot. Fixed size however long the watch runs. Immutable.
 */
public record SyncRounds(List<Sample> samples) {

    /** A day of rounds at 90 s, or eight hours at 30 s. */
    public static final int CAPACITY = 1000;

    public static final SyncRounds NONE = new SyncRounds(List.of());

    /**
     * One observed round.
     *
     * @param at      when the round ended
     * @param inSync  droplets that ran what the state wants
     * @param seen    droplets the round could observe
     * @param total   droplets in the state
     */
    public record Sample(Instant at, int inSync, int seen, int total) {}

    public SyncRounds {
        samples = List.copyOf(samples.subList(Math.max(0, samples.size() - CAPACITY), samples.size()));
    }

    /** These, and {@code drift}'s round at {@code at}, the oldest dropped past the capacity. */
    public SyncRounds with(Instant at, DriftReport drift) {
        int inSync = (int) drift.droplets().stream().filter(d -> d.status() == DropletStatus.IN_SYNC).count();
        int unseen = (int) drift.droplets().stream().filter(d -> d.status() == DropletStatus.UNREACHABLE).count();
        int total = drift.droplets().size();
        List<Sample> next = new ArrayList<>(samples.subList(samples.size() == CAPACITY ? 1 : 0, samples.size()));
        next.add(new Sample(at, inSync, total - unseen, total));
        return new SyncRounds(next);
    }
}
