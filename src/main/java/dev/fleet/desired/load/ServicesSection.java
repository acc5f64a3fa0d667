package dev.fleet.desired.load;

import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Hooks;
import dev.fleet.desired.Placement;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.ServiceRole;
import dev.fleet.desired.ServiceSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads what runs on the droplets: exactly one of {@code service:}, one traffic service on every
 * droplet, or {@code services:}, several in roll order, each with every key of {@code service:}
 * plus its {@code role}, the droplets it runs {@code on}, its {@code min-uptime} and its {@code
 * hooks}. Then checks them against each other and the droplets: names unique, exactly one traffic
 * service and on every droplet, no host port published by two services on one droplet.
 */
final class ServicesSection {

    static final Set<String> ITEM_KEYS = itemKeys();

    private static final Pattern ROLE = Pattern.compile("traffic|worker|accessory");
    private static final String ONE_TRAFFIC = "fleet fronts one service with the balancer for now";
    private static final String EXAMPLES = "see fleet-state/example.yaml, and fleet-state/example-services.yaml for"
            + " several services";

    private ServicesSection() {}

    /**
     * The services, in roll order.
     *
     * @param traffic      the one the balancer fronts, among {@code services}
     * @param trafficField where it is written, for problems of the sections that apply to it
     */
    record Read(List<ServiceSpec> services, ServiceSpec traffic, Field trafficField) {}

    /** One item as read; each part empty when it could not be read (its problem is recorded). */
    private record Item(Field field, Optional<MappingReader> mapping, Optional<ServiceRole> role,
            Optional<ServiceSpec> spec) {

        Optional<Field> key(String key) {
            return mapping.flatMap(m -> m.optional(key));
        }

        /** The name as written, even when the rest could not be read, so that a repeat is still found. */
        Optional<String> name() {
            return key("name").filter(f -> f.node() instanceof ScalarNode && !f.isNothing())
                    .map(f -> ((ScalarNode) f.node()).getValue());
        }
    }

    /**
     * @param commandTimeout {@code ssh.command-timeout} as read, which every {@code stop-grace} must be
     *                       less than
     * @param droplets       the droplets, when they could be read: what {@code on} selects from
     */
    static Optional<Read> read(MappingReader root, LoadContext context, Optional<Duration> commandTimeout,
            Optional<List<DropletSpec>> droplets) {
        Optional<Field> single = root.optional("service");
        Optional<Field> many = root.optional("services");
        if (single.isPresent() && many.isPresent()) {
            root.entry("services").orElseThrow().keyField().problem("service and services are both given",
                    "keep service: for one service on every droplet, or move it into services: as the item with"
                            + " role traffic");
            // Read both all the same, so that their own problems are reported now too.
            ServiceSection.read(single.get(), context, commandTimeout);
            list(many.get(), context, commandTimeout, droplets);
            return Optional.empty();
        }
        if (many.isPresent()) {
            return list(many.get(), context, commandTimeout, droplets);
        }
        if (single.isEmpty()) {
            root.missing("required key 'service' is missing", "what runs on every droplet, or services: for several"
                    + " services in roll order; " + EXAMPLES);
            return Optional.empty();
        }
        return ServiceSection.read(single.get(), context, commandTimeout)
                .map(service -> new Read(List.of(service), service, single.get()));
    }

    private static Optional<Read> list(Field field, LoadContext context, Optional<Duration> commandTimeout,
            Optional<List<DropletSpec>> droplets) {
        return field.list().flatMap(elements -> {
            if (elements.isEmpty()) {
                field.problem("the list is empty; a fleet runs at least one service",
                        "list the services in roll order, one of them with role traffic; " + EXAMPLES);
                return Optional.empty();
            }
            List<Item> items = elements.stream().map(e -> item(e, context, commandTimeout, droplets)).toList();
            boolean valid = uniqueNames(items);
            Optional<Item> traffic = oneTraffic(field, items);
            valid &= droplets.map(d -> noSharedPorts(items, d)).orElse(true);
            if (!valid || traffic.isEmpty() || items.stream().anyMatch(i -> i.spec().isEmpty())) {
                return Optional.empty();
            }
            List<ServiceSpec> services = items.stream().map(i -> i.spec().orElseThrow()).toList();
            return Optional.of(new Read(services, traffic.get().spec().orElseThrow(), traffic.get().field()));
        });
    }

    private static Item item(Field element, LoadContext context, Optional<Duration> commandTimeout,
            Optional<List<DropletSpec>> droplets) {
        Optional<MappingReader> mapping = element.mapping(ITEM_KEYS);
        if (mapping.isEmpty()) {
            return new Item(element, mapping, Optional.empty(), Optional.empty());
        }
        MappingReader item = mapping.get();
        Optional<ServiceSpec> common = ServiceSection.read(item, context, commandTimeout);
        // Without role, traffic; unless an unknown key may be role mistyped: its problem is reported,
        // and a default would add others for what the item never meant (a second traffic service).
        Optional<ServiceRole> role = item.optional("role").map(ServicesSection::role)
                .orElse(item.hasUnknownKeys() ? Optional.empty() : Optional.of(ServiceRole.TRAFFIC));
        Optional<Field> on = item.optional("on");
        Optional<Placement> placement = on.map(f -> PlacementField.read(f, droplets))
                .orElse(Optional.of(Placement.EVERYWHERE));
        if (on.isPresent() && placement.isPresent() && droplets.isPresent()
                && role.filter(ServiceRole::takesTraffic).isPresent()
                && !PlacementField.everyDroplet(on.get(), placement.get(), droplets.get())) {
            placement = Optional.empty();
        }
        Optional<Duration> minUptime = minUptime(item, role);
        Optional<Hooks> hooks = hooks(item, role, placement, droplets);
        if (!Sections.allPresent(common, role, placement, minUptime, hooks)) {
            return new Item(element, mapping, role, Optional.empty());
        }
        ServiceSpec service = new ServiceSpec(common.get().name(), common.get().image(), common.get().container(),
                role.get(), placement.get(), minUptime.get(), hooks.get());
        return new Item(element, mapping, role, Optional.of(service));
    }

    private static Optional<ServiceRole> role(Field field) {
        return field.text(ROLE, "a role", "traffic (behind the balancer), worker (no traffic: a queue consumer, a"
                + " scheduler) or accessory (a database, a cache)").map(word -> switch (word) {
                    case "worker" -> ServiceRole.WORKER;
                    case "accessory" -> ServiceRole.ACCESSORY;
                    default -> ServiceRole.TRAFFIC;
                });
    }

    /** How long a worker or accessory must stay up to count as healthy; the traffic service has health checks. */
    private static Optional<Duration> minUptime(MappingReader item, Optional<ServiceRole> role) {
        Optional<MappingReader.Entry> entry = item.entry("min-uptime");
        if (entry.isEmpty()) {
            return Optional.of(ServiceSpec.DEFAULT_MIN_UPTIME);
        }
        if (role.filter(ServiceRole::takesTraffic).isPresent()) {
            entry.get().keyField().problem("does not apply to the traffic service: its health checks tell when it"
                    + " is healthy", "remove it, or give this service role: worker or accessory");
            return Optional.empty();
        }
        return entry.get().value().duration();
    }

    /** Hooks run around an app's rollout; an accessory never rolls with one, so it has none. */
    private static Optional<Hooks> hooks(MappingReader item, Optional<ServiceRole> role, Optional<Placement> placement,
            Optional<List<DropletSpec>> droplets) {
        Optional<MappingReader.Entry> entry = item.entry("hooks");
        if (entry.isEmpty()) {
            return Optional.of(Hooks.NONE);
        }
        Optional<Hooks> hooks = HooksSection.read(entry.get().value(), placement, droplets);
        if (role.filter(ServiceRole.ACCESSORY::equals).isPresent()) {
            entry.get().keyField().problem("an accessory has no deploy hooks: it is replaced only when its own"
                    + " image or settings change, never as part of an app's rollout", "put the hook on the"
                    + " service whose rollout needs it (the traffic service or a worker)");
            return Optional.empty();
        }
        return hooks;
    }

    /** Whether no name is given twice: it is the service's container name on each droplet. */
    private static boolean uniqueNames(List<Item> items) {
        Map<String, Item> seen = new HashMap<>();
        boolean valid = true;
        for (Item item : items) {
            Optional<String> name = item.name();
            Item first = name.map(n -> seen.putIfAbsent(n, item)).orElse(null);
            if (first != null) {
                item.key("name").orElseThrow().problem(Text.quote(name.get()) + " is already the name of "
                        + first.field().path() + " (line " + line(first.field()) + ")",
                        "every service needs its own name: it names its container on each droplet");
                valid = false;
            }
        }
        return valid;
    }

    /** The one service with role traffic; a problem when there is none or more than one. */
    private static Optional<Item> oneTraffic(Field field, List<Item> items) {
        if (items.stream().anyMatch(i -> i.role().isEmpty())) {
            return Optional.empty();
        }
        List<Item> traffic = items.stream().filter(i -> i.role().orElseThrow().takesTraffic()).toList();
        if (traffic.isEmpty()) {
            field.problem("no service has role traffic: " + ONE_TRAFFIC, "give the service that takes requests"
                    + " role: traffic, or leave its role out (traffic is the default)");
            return Optional.empty();
        }
        Item first = traffic.getFirst();
        for (Item other : traffic.subList(1, traffic.size())) {
            other.key("role").orElse(other.field()).problem("a second service with role traffic, after "
                    + first.field().path() + " (line " + line(first.field()) + "): " + ONE_TRAFFIC,
                    "give the others role: worker (no traffic) or accessory (a database, a cache); a service"
                            + " without role is traffic");
        }
        return traffic.size() == 1 ? Optional.of(first) : Optional.empty();
    }

    /**
     * Whether no two services that share a droplet publish the same host port and protocol: the
     * second container could not bind it. A problem at the later one's port, naming both and the
     * droplets they share.
     */
    private static boolean noSharedPorts(List<Item> items, List<DropletSpec> droplets) {
        boolean valid = true;
        for (int later = 1; later < items.size(); later++) {
            Item item = items.get(later);
            if (item.spec().isEmpty()) {
                continue;
            }
            // A service that was read has a valid ports list, one field per port in order.
            List<Field> fields = item.key("ports").flatMap(Field::list).orElse(List.of());
            List<PortMapping> ports = item.spec().get().ports();
            for (int p = 0; p < ports.size(); p++) {
                for (Item earlier : items.subList(0, later)) {
                    valid &= earlier.spec().isEmpty()
                            || notShared(item.spec().get(), ports.get(p), fields.get(p), earlier, droplets);
                }
            }
        }
        return valid;
    }

    private static boolean notShared(ServiceSpec service, PortMapping port, Field field, Item earlier,
            List<DropletSpec> droplets) {
        ServiceSpec other = earlier.spec().orElseThrow();
        boolean same = other.ports().stream()
                .anyMatch(o -> o.hostPort() == port.hostPort() && o.protocol().equals(port.protocol()));
        Set<String> shared = new LinkedHashSet<>();
        droplets.stream().filter(d -> service.runsOn(d) && other.runsOn(d)).forEach(d -> shared.add(d.name()));
        if (!same || shared.isEmpty()) {
            return true;
        }
        field.problem(Text.quote(service.name()) + " publishes host port " + port.hostPort() + "/" + port.protocol()
                + ", which " + Text.quote(other.name()) + " (" + earlier.field().path() + ", line "
                + line(earlier.field()) + ") publishes too, on " + String.join(", ", shared),
                "a droplet's port can be published once: publish another host port, or run the two services on"
                        + " different droplets");
        return false;
    }

    private static int line(Field field) {
        return field.mark().getLine() + 1;
    }

    /** Every key of {@code service:}, and then the keys only an item of {@code services:} has. */
    private static Set<String> itemKeys() {
        Set<String> keys = new LinkedHashSet<>(ServiceSection.KEYS);
        keys.addAll(List.of("role", "on", "min-uptime", "hooks"));
        return keys;
    }
}
