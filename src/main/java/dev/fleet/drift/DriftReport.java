package dev.fleet.drift;

import dev.fleet.desired.Revision;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The drift of a whole fleet at one moment: per droplet, desired against observed.
 *
 * @param stateFile       the state file the desired state came from
 * @param revision        its git commit
 * @param service         the service's name
 * @param observedAt      when the observation finished
 * @param droplets        one entry per droplet, in the state file's order
 * @param balancerProblem why the balancer could not be asked, when it could not
 */
public record DriftReport(
        Path stateFile,
        Revision revision,
        String service,
        Instant observedAt,
        List<DropletDrift> droplets,
        Optional<String> balancerProblem) {

    public DriftReport {
        droplets = List.copyOf(droplets);
    }

    /** The droplets that could not be observed at all, in the state's order. */
    public List<DropletDrift> unreachable() {
        return droplets.stream().filter(droplet -> droplet.status() == DropletStatus.UNREACHABLE).toList();
    }

    /** Whether the fleet has droplets and none of them could be observed. */
    public boolean noneReached() {
        return !droplets.isEmpty() && unreachable().size() == droplets.size();
    }

    /** Every droplet in sync and healthy, with no unmanaged container. */
    public boolean clean() {
        return droplets.stream().allMatch(DropletDrift::clean);
    }

    /** How many droplets have each status, in the enum's order; statuses nobody has are left out. */
    public Map<DropletStatus, Integer> countByStatus() {
        Map<DropletStatus, Integer> counts = new EnumMap<>(DropletStatus.class);
        droplets.forEach(d -> counts.merge(d.status(), 1, Integer::sum));
        return counts;
    }

    public int unmanagedCount() {
        return droplets.stream().mapToInt(d -> d.unmanaged().size()).sum();
    }

    /** One line for the fleet, for example {@code 3 droplets: 2 IN_SYNC, 1 IMAGE_DRIFT; 1 UNMANAGED container}. */
    public String summary() {
        StringBuilder line = new StringBuilder();
        line.append(droplets.size()).append(droplets.size() == 1 ? " droplet: " : " droplets: ");
        line.append(String.join(", ", countByStatus().entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).toList()));
        int unmanaged = unmanagedCount();
        if (unmanaged > 0) {
            line.append("; ").append(unmanaged).append(" UNMANAGED container").append(unmanaged == 1 ? "" : "s");
        }
        long services = droplets.stream().flatMap(d -> d.services().stream())
                .filter(s -> s.status() != DropletStatus.IN_SYNC).count();
        if (services > 0) {
            line.append("; ").append(services).append(services == 1 ? " other service" : " other services")
                    .append(" not in sync");
        }
        line.append(clean() ? " (in sync)" : " (drift)");
        return line.toString();
    }
}
