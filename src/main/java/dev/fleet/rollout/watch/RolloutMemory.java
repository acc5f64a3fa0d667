package dev.fleet.rollout.watch;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which desired state a rollout already failed on, so that {@code fleet watch --apply} tries it
 * once and then waits for something to change instead of rolling back and forth every interval.
 * A desired state is the commit and the digest each droplet must run: a new commit, or the same
 * commit with another digest (a state file edited outside git), is worth a new try. Pure; not
 * thread-safe (the watch loop never runs two rounds at once).
 */
public final class RolloutMemory {

    /** A desired state, as far as a rollout is concerned. */
    public record Target(String commit, SortedMap<String, String> digests) {

        public Target {
            digests = new TreeMap<>(digests);
        }

        public static Target of(String commit, Map<String, String> digests) {
            return new Target(commit, new TreeMap<>(digests));
        }
    }

    private Target failed;
    private String failure;

    /** Whether a rollout to {@code target} should be tried: not if the last one to it failed. */
    public boolean worthTrying(Target target) {
        return !target.equals(failed);
    }

    /** Why the last rollout to {@code target} failed, when it did. */
    public Optional<String> failureOf(Target target) {
        return target.equals(failed) ? Optional.ofNullable(failure) : Optional.empty();
    }

    public void failed(Target target, String why) {
        failed = target;
        failure = why;
    }

    public void succeeded(Target target) {
        if (target.equals(failed)) {
            failed = null;
            failure = null;
        }
    }
}
