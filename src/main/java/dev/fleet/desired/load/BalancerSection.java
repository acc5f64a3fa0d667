package dev.fleet.desired.load;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.CloudProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads {@code balancer:}, how fleet learns whether the balancer sends a droplet traffic. */
final class BalancerSection {

    /** Each kind and its keys besides {@code kind}, in documentation order. */
    private static final Map<String, Set<String>> KINDS = kinds();
    static final Set<String> KEYS = allKeys();

    private static final Pattern KIND = Pattern.compile(String.join("|", KINDS.keySet()));
    private static final Pattern BACKEND = Pattern.compile("[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,62}");

    private BalancerSection() {}

    /** @param droplets the state's {@code droplets:}, whose items a cloud's kind reads its ids from */
    static Optional<BalancerSpec> read(Field field, Optional<Field> droplets, LoadContext context) {
        return field.mapping(KEYS).flatMap(balancer -> {
            Optional<String> kind = balancer.required("kind", "haproxy, health-check, " + cloudWords() + ", dns or none")
                    .flatMap(f -> f.text(KIND, "a balancer kind", "haproxy (fleet asks HAProxy's runtime API),"
                            + " health-check (any balancer that health-checks the droplets; fleet waits out its"
                            + " thresholds), " + cloudWords() + " (fleet removes and adds droplets through the"
                            + " cloud's load balancer API), dns (the round-robin name of the dns section) or none (no"
                            + " balancer: rollout.strategy blue-green only)"));
            if (kind.isEmpty()) {
                return Optional.empty();
            }
            Optional<CloudProvider> cloud = cloud(kind.get());
            // Read for every kind, so that a droplet's cloud id under another kind is refused.
            Optional<Map<String, Long>> ids = CloudSection.dropletIds(droplets, cloud, kind.get());
            if (foreignKeys(balancer, kind.get())) {
                return Optional.empty();
            }
            return switch (kind.get()) {
                case "none" -> Optional.of(new BalancerSpec.None());
                case "dns" -> Optional.of(new BalancerSpec.Dns(Duration.ZERO));
                case "haproxy" -> haproxy(balancer, context);
                case "health-check" -> healthCheck(balancer);
                default -> CloudSection.read(balancer, cloud.orElseThrow(), ids, context);
            };
        });
    }

    /** Whether {@code balancer} has keys of another kind than {@code kind}; a problem at each. */
    private static boolean foreignKeys(MappingReader balancer, String kind) {
        boolean foreign = false;
        for (String key : KEYS) {
            Optional<MappingReader.Entry> entry = balancer.entry(key);
            if (key.equals("kind") || entry.isEmpty() || KINDS.get(kind).contains(key)) {
                continue;
            }
            String owner = KINDS.entrySet().stream().filter(e -> e.getValue().contains(key)).map(Map.Entry::getKey)
                    .findFirst().orElseThrow();
            if (KINDS.get(kind).isEmpty()) {
                entry.get().keyField().problem("does not apply to kind " + kind, "remove it, or name the balancer's kind");
            } else {
                entry.get().keyField().problem("belongs to kind " + owner + ", not " + kind,
                        "remove it, or set kind: " + owner);
            }
            foreign = true;
        }
        return foreign;
    }

    private static Optional<BalancerSpec> haproxy(MappingReader balancer, LoadContext context) {
        // The socket lives on the machine that runs fleet and is checked when used, not here: a
        // state may well be validated elsewhere (in CI, for example).
        Optional<Path> socket = balancer.required("socket", "the path of HAProxy's runtime API socket")
                .flatMap(f -> f.text().flatMap(text -> context.resolve(f, text)));
        Optional<String> backend = balancer.required("backend", "the backend whose servers are the droplets")
                .flatMap(f -> f.text(BACKEND, "a valid HAProxy backend name",
                        "the name after 'backend' in haproxy.cfg"));
        return Sections.allPresent(socket, backend)
                ? Optional.of(new BalancerSpec.Haproxy(socket.get(), backend.get()))
                : Optional.empty();
    }

    private static Optional<BalancerSpec> healthCheck(MappingReader balancer) {
        Optional<Duration> interval = balancer.required("interval", "the time between two checks of one droplet")
                .flatMap(Field::duration);
        Optional<Integer> unhealthy = balancer
                .required("unhealthy-threshold", "failed checks before it drops a droplet")
                .flatMap(f -> f.integer(1, 100));
        Optional<Integer> healthy = balancer
                .required("healthy-threshold", "passed checks before it sends traffic again")
                .flatMap(f -> f.integer(1, 100));
        return Sections.allPresent(interval, unhealthy, healthy)
                ? Optional.of(new BalancerSpec.HealthCheck(interval.get(), unhealthy.get(), healthy.get()))
                : Optional.empty();
    }

    private static Optional<CloudProvider> cloud(String kind) {
        return Arrays.stream(CloudProvider.values()).filter(p -> p.word().equals(kind)).findFirst();
    }

    private static String cloudWords() {
        return Arrays.stream(CloudProvider.values()).map(CloudProvider::word).collect(Collectors.joining(", "));
    }

    private static Map<String, Set<String>> kinds() {
        Map<String, Set<String>> kinds = new LinkedHashMap<>();
        kinds.put("haproxy", Sections.keys("socket", "backend"));
        kinds.put("health-check", Sections.keys("interval", "unhealthy-threshold", "healthy-threshold"));
        for (CloudProvider provider : CloudProvider.values()) {
            kinds.put(provider.word(), CloudSection.KEYS);
        }
        kinds.put("dns", Set.of());
        kinds.put("none", Set.of());
        return kinds;
    }

    private static Set<String> allKeys() {
        Set<String> keys = new LinkedHashSet<>(Sections.keys("kind"));
        KINDS.values().forEach(keys::addAll);
        return keys;
    }
}
