package dev.fleet.rollout;

import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.FleetObservation;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code fleet status} shows: each droplet's verdict from the drift, the containers of the
 * fleet's services running there (digest, since when, restarts, Docker's own health), and the last
 * apply that touched it. Pure: built from one observation and the history already read.
 *
 * @param drift          the drift, for the verdicts, health and balancer state
 * @param droplets       each droplet of the state, in its order
 * @param historyProblem why the history could not be read, when it could not (the rest is shown)
 */
public record FleetStatus(DriftReport drift, List<DropletState> droplets, Optional<String> historyProblem) {

    public FleetStatus {
        droplets = List.copyOf(droplets);
    }

    /**
     * One droplet.
     *
     * @param containers the containers claiming one of the fleet's services, by service then name;
     *                   empty when the droplet was not reached
     * @param lastApply  the newest apply in the history that changed this droplet (or tried to)
     */
    public record DropletState(DropletDrift drift, List<Container> containers, Optional<LastApply> lastApply) {
        public DropletState {
            containers = List.copyOf(containers);
        }
    }

    /** A container of the fleet, as its engine reports it; {@code service} is its fleet label. */
    public record Container(String service, String name, String state, Optional<String> digest,
            Optional<Instant> startedAt, int restarts, Optional<String> dockerHealth) {}

    /**
     * The last apply that touched a droplet.
     *
     * @param apply   the whole apply, as the history keeps it
     * @param droplet what it did to this droplet
     */
    public record LastApply(ApplyRecord apply, ApplyRecord.DropletRecord droplet) {}

    /** Joins one observation, its drift, and the history (oldest first) into what status shows. */
    public static FleetStatus of(FleetObservation observation, DriftReport drift, List<HistoryEntry> history,
            Optional<String> historyProblem) {
        Map<String, DropletObservation> seen = observation.droplets().stream()
                .collect(Collectors.toMap(DropletObservation::droplet, Function.identity(), (a, b) -> a));
        List<DropletState> droplets = drift.droplets().stream()
                .map(d -> new DropletState(d, containers(seen.get(d.droplet())), lastApply(d.droplet(), history)))
                .toList();
        return new FleetStatus(drift, droplets, historyProblem);
    }

    private static List<Container> containers(DropletObservation observed) {
        if (!(observed instanceof DropletObservation.Reached reached)) {
            return List.of();
        }
        return reached.containers().stream()
                .filter(c -> c.labels().containsKey(FleetLabels.SERVICE))
                .map(FleetStatus::container)
                .sorted(Comparator.comparing(Container::service).thenComparing(Container::name))
                .toList();
    }

    private static Container container(ObservedContainer c) {
        return new Container(c.labels().get(FleetLabels.SERVICE), c.name(), c.state(), c.digest(), c.startedAt(),
                c.restartCount(), c.dockerHealth());
    }

    /** The newest apply that did something to {@code droplet}: one where it was not skipped. */
    static Optional<LastApply> lastApply(String droplet, List<HistoryEntry> history) {
        for (HistoryEntry entry : history.reversed()) {
            if (entry instanceof HistoryEntry.Apply apply) {
                for (ApplyRecord.DropletRecord record : apply.record().droplets()) {
                    if (record.droplet().equals(droplet) && !record.result().equals("skipped")) {
                        return Optional.of(new LastApply(apply.record(), record));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
