package dev.fleet.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the round-robin A and AAAA records of one DNS name in step with its droplets' health, as a
 * load balancer keeps its pool: a droplet goes out after {@code failuresToRemove} failed checks in a
 * row and comes back after {@code successesToAdd} passed ones, so one lost probe, or a droplet that
 * flaps, never moves DNS.
 *
 * <p>Pure: a round takes the checks, the records DNS publishes now and the state the last round
 * returned, and gives decisions as values and the next state. Changes are decided by level, from
 * what DNS publishes each round, so a change that failed is simply decided again; what is told to
 * people (a refused removal, an outage, its end) is told once, by edge, from the state.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A droplet seen for the first time counts as up when DNS publishes one of its addresses, and
 *       as down otherwise: the records found are the baseline. A healthy droplet missing from DNS is
 *       therefore added once it has passed {@code successesToAdd} checks.
 *   <li>An up droplet that passed its check and has an address missing from DNS gets it added.
 *   <li>A down droplet's published addresses are removed, unless that would leave no record of the
 *       same type (A or AAAA) pointing at a droplet that passed its check this round: then none of
 *       them is removed ({@link DnsDecision.KeepLastHealthy}). DNS never empties because the checks
 *       failed; clients cannot do better than a record that may work.
 *   <li>When every droplet is down and failing, nothing is removed and {@link DnsDecision.AllDown}
 *       is raised, once per outage; {@link DnsDecision.Recovered} follows at the first round a
 *       droplet is up again.
 *   <li>An address that belongs to no droplet is left alone and reported in {@link
 *       FailoverRound#unmanaged()}. A droplet no longer in the checks is forgotten: its records
 *       become such addresses.
 * </ul>
 *
 * @param name             the DNS name, canonical (see {@link DnsRecord})
 * @param ttl              the TTL of the records it adds, in seconds
 * @param failuresToRemove failed checks in a row that take a droplet out of DNS
 * @param successesToAdd   passed checks in a row that put it back
 */
public record DnsFailover(String name, int ttl, int failuresToRemove, int successesToAdd) {

    /**
     * Two, not three: a droplet whose app stops must leave DNS within three checks, and the check
     * in flight when it stops may still pass; two in a row is still enough that a single lost probe
     * changes nothing.
     */
    public static final int DEFAULT_FAILURES_TO_REMOVE = 2;

    /** Two, for the same reason: back within three checks of the app coming back. */
    public static final int DEFAULT_SUCCESSES_TO_ADD = 2;

    public DnsFailover {
        name = DnsRecord.canonicalName(name);
        if (ttl < 1) {
            throw new IllegalArgumentException("a record's TTL is at least 1 second, not " + ttl);
        }
        if (failuresToRemove < 1 || successesToAdd < 1) {
            throw new IllegalArgumentException("failures to remove and successes to add are at least 1, not "
                    + failuresToRemove + " and " + successesToAdd);
        }
    }

    public static DnsFailover withDefaults(String name, int ttl) {
        return new DnsFailover(name, ttl, DEFAULT_FAILURES_TO_REMOVE, DEFAULT_SUCCESSES_TO_ADD);
    }

    /**
     * One round.
     *
     * @param state     what the last round returned, or {@link FailoverState#initial()}
     * @param checks    this round's check of every droplet behind the name (names and addresses unique)
     * @param published the A and AAAA records DNS publishes under the name now
     */
    public FailoverRound round(FailoverState state, List<DropletCheck> checks, List<DnsRecord> published) {
        Map<String, DropletCheck> owners = owners(checks);
        Map<String, DnsRecord> byAddress = byAddress(published);
        Map<String, DropletStreak> streaks = streaks(state, checks, byAddress);
        // An outage begins when every droplet is down and failing, and ends only when one is up again, so a
        // single passed check during an outage raises neither a recovery nor, after it, a second alert.
        boolean noneUp = streaks.values().stream().noneMatch(DropletStreak::up);
        boolean allDown = !checks.isEmpty() && (state.allDown()
                ? noneUp
                : noneUp && checks.stream().noneMatch(DropletCheck::passed));

        List<DnsRecord> serving = new ArrayList<>(); // what DNS will publish if every change is made
        for (DnsRecord record : byAddress.values()) {
            DropletCheck owner = owners.get(record.address());
            if (owner == null || streaks.get(owner.droplet()).up()) {
                serving.add(record);
            }
        }
        List<DnsDecision> adds = additions(checks, streaks, byAddress, serving);
        Removals removals = removals(state, owners, byAddress, streaks, serving, allDown);

        List<DnsDecision> decisions = new ArrayList<>();
        if (state.allDown() && !checks.isEmpty() && !allDown) {
            decisions.add(new DnsDecision.Recovered(name, streaks.entrySet().stream()
                    .filter(e -> e.getValue().up()).map(Map.Entry::getKey).toList()));
        }
        decisions.addAll(adds);
        decisions.addAll(removals.removed());
        decisions.addAll(removals.kept());
        if (allDown && !state.allDown()) {
            decisions.add(new DnsDecision.AllDown(name, List.copyOf(streaks.keySet()),
                    byAddress.values().stream().filter(r -> owners.containsKey(r.address())).toList()));
        }
        List<DnsRecord> unmanaged = byAddress.values().stream().filter(r -> !owners.containsKey(r.address())).toList();
        FailoverState next = new FailoverState(streaks, removals.held(), checks.isEmpty() ? state.allDown() : allDown);
        return new FailoverRound(next, decisions, unmanaged);
    }

    /** The name's records by address, refusing a record of another name. */
    private Map<String, DnsRecord> byAddress(List<DnsRecord> published) {
        Map<String, DnsRecord> byAddress = new LinkedHashMap<>();
        for (DnsRecord record : published) {
            if (!record.name().equals(name)) {
                throw new IllegalArgumentException(record + " is not a record of " + name);
            }
            byAddress.putIfAbsent(record.address(), record);
        }
        return byAddress;
    }

    /** Each droplet's run of checks after this round's; a droplet new to the watch starts as DNS has it. */
    private Map<String, DropletStreak> streaks(FailoverState state, List<DropletCheck> checks,
            Map<String, DnsRecord> byAddress) {
        Map<String, DropletStreak> streaks = new LinkedHashMap<>();
        for (DropletCheck check : checks) {
            DropletStreak before = state.droplets().get(check.droplet());
            if (before == null) {
                before = DropletStreak.baseline(check.addresses().stream().anyMatch(byAddress::containsKey));
            }
            streaks.put(check.droplet(), before.after(check.passed(), failuresToRemove, successesToAdd));
        }
        return streaks;
    }

    /** The records of droplets up and passing that DNS lacks; each is added to {@code serving} too. */
    private List<DnsDecision> additions(List<DropletCheck> checks, Map<String, DropletStreak> streaks,
            Map<String, DnsRecord> byAddress, List<DnsRecord> serving) {
        List<DnsDecision> adds = new ArrayList<>();
        for (DropletCheck check : checks) {
            DropletStreak streak = streaks.get(check.droplet());
            if (!streak.up() || !check.passed()) {
                continue;
            }
            for (String address : check.addresses()) {
                if (!byAddress.containsKey(address)) {
                    DnsRecord record = DnsRecord.of(name, address, ttl);
                    adds.add(new DnsDecision.Add(check.droplet(), record, addReason(streak)));
                    serving.add(record);
                }
            }
        }
        return adds;
    }

    /**
     * @param removed the records of down droplets that may go
     * @param kept    the ones kept, told once, because no passing droplet's record of their type would be left
     * @param held    the addresses kept so
     */
    private record Removals(List<DnsDecision> removed, List<DnsDecision> kept, Set<String> held) {}

    private Removals removals(FailoverState state, Map<String, DropletCheck> owners, Map<String, DnsRecord> byAddress,
            Map<String, DropletStreak> streaks, List<DnsRecord> serving, boolean allDown) {
        Removals removals = new Removals(new ArrayList<>(), new ArrayList<>(), new LinkedHashSet<>());
        for (DnsRecord.Type type : DnsRecord.Type.values()) {
            List<DnsRecord> down = byAddress.values().stream()
                    .filter(r -> r.type() == type && owners.containsKey(r.address()))
                    .filter(r -> !streaks.get(owners.get(r.address()).droplet()).up())
                    .toList();
            boolean safe = serving.stream().anyMatch(r -> r.type() == type
                    && owners.containsKey(r.address()) && owners.get(r.address()).passed());
            for (DnsRecord record : down) {
                String droplet = owners.get(record.address()).droplet();
                DropletStreak streak = streaks.get(droplet);
                if (safe) {
                    removals.removed().add(new DnsDecision.Remove(droplet, record,
                            "failed " + streak.failures() + " health checks in a row"));
                } else {
                    removals.held().add(record.address());
                    if (!allDown && !state.held().contains(record.address())) {
                        removals.kept().add(new DnsDecision.KeepLastHealthy(droplet, record, keepReason(streak, type)));
                    }
                }
            }
        }
        return removals;
    }

    private String addReason(DropletStreak streak) {
        return streak.passes() >= successesToAdd
                ? "passed " + streak.passes() + " health checks in a row"
                : "up, passed its last health check, and missing from DNS";
    }

    private static String keepReason(DropletStreak streak, DnsRecord.Type type) {
        return "down (failed " + streak.failures() + " health checks in a row), but removing it would leave no "
                + type + " record of a droplet that passed its check";
    }

    /** Each address's droplet, refusing a droplet or an address given twice (a caller's mistake). */
    private static Map<String, DropletCheck> owners(List<DropletCheck> checks) {
        Map<String, DropletCheck> owners = new HashMap<>();
        Set<String> droplets = new HashSet<>();
        for (DropletCheck check : checks) {
            if (!droplets.add(check.droplet())) {
                throw new IllegalArgumentException("droplet " + check.droplet() + " is checked twice in one round");
            }
            for (String address : check.addresses()) {
                DropletCheck other = owners.putIfAbsent(address, check);
                if (other != null) {
                    throw new IllegalArgumentException(address + " belongs to both " + other.droplet() + " and "
                            + check.droplet());
                }
            }
        }
        return owners;
    }
}
