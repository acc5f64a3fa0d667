package dev.fleet.rollout.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code fleet watch} tells people about, as values: a notifier sends each one to a webhook,
 * in the order they happened. None holds a secret: only names, commits, digests and reasons.
 */
public sealed interface WatchEvent {

    /** The service the event is about. */
    String service();

    /** The commit of the desired state, or a short note when it is not one ("not in git"). */
    String commit();

    Instant at();

    /** The fleet no longer matches its desired state (reported once per change of the drift). */
    record DriftDetected(String service, String commit, Instant at, String summary, List<String> droplets)
            implements WatchEvent {}

    /** A rollout begins: the droplets it will change, in order. */
    record RolloutStarted(String service, String commit, Instant at, List<String> droplets) implements WatchEvent {}

    /** Every droplet runs the desired state. */
    record RolloutFinished(String service, String commit, Instant at, Duration took) implements WatchEvent {}

    /** A droplet's new container failed and the droplet got its previous image back; the rollout stopped. */
    record RolledBack(String service, String commit, Instant at, String droplet, String reason) implements WatchEvent {}

    /** The rollout stopped without converging (after a rollback, or without one). */
    record RolloutFailed(String service, String commit, Instant at, String reason) implements WatchEvent {}

    /**
     * DNS health failover did something to the round-robin name, or has something to say: a
     * droplet's record removed or added, a removal refused (the last healthy record), every droplet
     * down (records kept), recovered.
     *
     * @param kind    {@code dns_removed}, {@code dns_added}, {@code dns_kept_last_healthy}, {@code
     *                dns_all_down} or {@code dns_recovered}
     * @param dnsName the name whose records these are
     * @param message one line for people
     */
    record Dns(String service, String commit, Instant at, String kind, String dnsName, String message)
            implements WatchEvent {}

    /** The event's name in notifications: {@code drift_detected}, {@code rollout_started}, ... */
    default String name() {
        return switch (this) {
            case DriftDetected d -> "drift_detected";
            case RolloutStarted s -> "rollout_started";
            case RolloutFinished f -> "rollout_finished";
            case RolledBack r -> "rolled_back";
            case RolloutFailed f -> "rollout_failed";
            case Dns d -> d.kind();
        };
    }

    /** One line for people, as chat receivers show it. */
    default String text() {
        String where = service() + " at " + commit();
        return switch (this) {
            case DriftDetected d -> "fleet: drift on " + where + ": " + d.summary();
            case RolloutStarted s -> "fleet: rolling out " + where + " to " + String.join(", ", s.droplets());
            case RolloutFinished f -> "fleet: rolled out " + where + " in " + f.took().toSeconds() + "s";
            case RolledBack r -> "fleet: " + r.droplet() + " rolled back while rolling out " + where + ": " + r.reason();
            case RolloutFailed f -> "fleet: rollout of " + where + " failed: " + f.reason();
            case Dns d -> d.message();
        };
    }
}
