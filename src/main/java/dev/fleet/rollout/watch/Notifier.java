package dev.fleet.rollout.watch;

import java.time.Duration;

/**
 * Tells people what happened. Implementations deliver events in the order they are given and never
 * throw: a receiver that is down must not stop a rollout, so failures are reported, not raised.
 */
public interface Notifier {

    void notify(WatchEvent event);

    /**
     * Waits until every event told so far is delivered (or given up on), at most {@code within}: for
     * a process about to end. Returns whether all were; a notifier that delivers at once has nothing
     * to wait for.
     */
    default boolean drain(Duration within) throws InterruptedException {
        return true;
    }

    Notifier NONE = event -> {};
}
