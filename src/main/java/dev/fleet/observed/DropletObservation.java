package dev.fleet.observed;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What fleet saw on one droplet: either its containers and health, or why it could not look. */
public sealed interface DropletObservation {

    String droplet();

    Instant observedAt();

    /**
     * The droplet answered.
     *
     * @param containers every container that has the service's name or claims it by fleet's label
     * @param health     the app's health, probed when the service's container runs
     * @param intent     what an apply that did not finish was doing here, if one left its intent behind
     * @param route      where the droplet's proxy sends the service's requests (blue-green only)
     * @param images     the service's images there, when they were listed
     */
    record Reached(String droplet, Instant observedAt, List<ObservedContainer> containers, Optional<HealthProbe> health,
            Optional<RolloutIntent> intent, Optional<ProxyRoute> route, Optional<ImageUse> images)
            implements DropletObservation {
        public Reached {
            containers = List.copyOf(containers);
        }

        /** A droplet whose images were not listed. */
        public Reached(String droplet, Instant observedAt, List<ObservedContainer> containers,
                Optional<HealthProbe> health, Optional<RolloutIntent> intent, Optional<ProxyRoute> route) {
            this(droplet, observedAt, containers, health, intent, route, Optional.empty());
        }

        /** A droplet of a drain-and-swap fleet. */
        public Reached(String droplet, Instant observedAt, List<ObservedContainer> containers,
                Optional<HealthProbe> health, Optional<RolloutIntent> intent) {
            this(droplet, observedAt, containers, health, intent, Optional.empty());
        }

        /** A droplet with no unfinished apply's intent on it. */
        public Reached(String droplet, Instant observedAt, List<ObservedContainer> containers,
                Optional<HealthProbe> health) {
            this(droplet, observedAt, containers, health, Optional.empty());
        }
    }

    /**
     * The droplet could not be observed; an unreachable droplet is a result, never an abort.
     *
     * @param detail what happened, fit for a report (never a secret)
     */
    record Unreachable(String droplet, Instant observedAt, UnreachableReason reason, String detail)
            implements DropletObservation {}
}
