package dev.fleet.rollout.watch;

/**
 * Tells people what happened. Implementations deliver events in the order they are given and never
 * throw: a receiver that is down must not stop a rollout, so failures are reported, not raised.
 */
public interface Notifier {

    void notify(WatchEvent event);

    Notifier NONE = event -> {};
}
