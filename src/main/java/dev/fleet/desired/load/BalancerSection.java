package dev.fleet.desired.load;

import dev.fleet.desired.BalancerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code balancer:}, how fleet learns whether the balancer sends a droplet traffic. */
final class BalancerSection {

    private static final Set<String> HAPROXY_KEYS = Sections.keys("socket", "backend");
    private static final Set<String> HEALTH_CHECK_KEYS =
            Sections.keys("interval", "unhealthy-threshold", "healthy-threshold");
    static final Set<String> KEYS =
            Sections.keys("kind", "socket", "backend", "interval", "unhealthy-threshold", "healthy-threshold");

    private static final Pattern KIND = Pattern.compile("haproxy|health-check|none|dns");
    private static final Pattern BACKEND = Pattern.compile("[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,62}");

    private BalancerSection() {}

    static Optional<BalancerSpec> read(Field field, LoadContext context) {
        return field.mapping(KEYS).flatMap(balancer -> {
            Optional<String> kind = balancer.required("kind", "haproxy, health-check, dns or none")
                    .flatMap(f -> f.text(KIND, "a balancer kind", "haproxy (fleet asks HAProxy's runtime API) or"
                            + " health-check (any balancer that health-checks the droplets; fleet waits out its"
                            + " thresholds), dns (the round-robin name of the dns section) or none (no balancer: rollout.strategy"
                            + " blue-green only)"));
            if (kind.isEmpty()) {
                return Optional.empty();
            }
            if (kind.get().equals("none") || kind.get().equals("dns")) {
                boolean foreign = false;
                for (String key : KEYS) {
                    if (!key.equals("kind") && balancer.entry(key).isPresent()) {
                        balancer.entry(key).get().keyField().problem("does not apply to kind " + kind.get(),
                                "remove it, or name the balancer's kind");
                        foreign = true;
                    }
                }
                BalancerSpec spec = kind.get().equals("dns") ? new BalancerSpec.Dns(Duration.ZERO) : new BalancerSpec.None();
                return foreign ? Optional.empty() : Optional.of(spec);
            }
            boolean haproxy = kind.get().equals("haproxy");
            Set<String> otherKeys = haproxy ? HEALTH_CHECK_KEYS : HAPROXY_KEYS;
            String otherKind = haproxy ? "health-check" : "haproxy";
            boolean foreign = false;
            for (String key : otherKeys) {
                Optional<MappingReader.Entry> entry = balancer.entry(key);
                entry.ifPresent(e -> e.keyField().problem("belongs to kind " + otherKind + ", not " + kind.get(),
                        "remove it, or set kind: " + otherKind));
                foreign |= entry.isPresent();
            }
            Optional<BalancerSpec> spec = haproxy ? haproxy(balancer, context) : healthCheck(balancer);
            return foreign ? Optional.empty() : spec;
        });
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
}
