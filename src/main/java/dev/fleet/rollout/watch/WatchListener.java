package dev.fleet.rollout.watch;

import dev.fleet.rollout.ConvergeResult;
import dev.fleet.rollout.RolloutListener;

/** Told what the watch does, for its log. */
public interface WatchListener {

    /** A line of the watch's own about its round (a stale source, an invalid state, a rollout held back). */
    void note(String line);

    /** Told of each convergence as it goes. */
    RolloutListener rollout();

    /** A convergence ended; a fleet with nothing to do is not told, to keep the log quiet. */
    void converged(ConvergeResult result);
}
