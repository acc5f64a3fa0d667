package dev.fleet.desired.load;

import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code health:} and {@code drain:}, the app's HTTP endpoints on each droplet. */
final class HealthSection {

    static final Set<String> HEALTH_KEYS =
            Sections.keys("path", "port", "expect-status", "timeout", "successes", "interval", "checks");
    static final Set<String> CHECK_KEYS = Sections.keys("path", "expect");
    static final Set<String> DRAIN_KEYS = Sections.keys("path", "method", "port");

    /** An absolute HTTP path (with an optional query): printable ASCII, no spaces. */
    private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7E]*");
    private static final Pattern METHOD = Pattern.compile("GET|POST");
    private static final int DEFAULT_PORT = 80;

    private HealthSection() {}

    /** The health settings; all defaults when the section is absent. */
    static Optional<HealthSpec> readHealth(Optional<Field> field, Optional<Published> published) {
        if (field.isEmpty()) {
            checkDefaultPort("health", published);
            return Optional.of(new HealthSpec("/health", DEFAULT_PORT, 200, List.of(), Duration.ofSeconds(2), 3,
                    Duration.ofSeconds(1)));
        }
        return field.get().mapping(HEALTH_KEYS).flatMap(health -> {
            Optional<String> path = path(health, "/health");
            int port = port(health, published);
            int expectStatus = health.integer("expect-status", 200, 100, 599);
            Duration timeout = health.duration("timeout", Duration.ofSeconds(2));
            int successes = health.integer("successes", 3, 1, 100);
            Duration interval = health.duration("interval", Duration.ofSeconds(1));
            Optional<List<HealthSpec.ContentCheck>> checks = health.optional("checks")
                    .map(HealthSection::checks).orElse(Optional.of(List.of()));
            if (!Sections.allPresent(path, checks)) {
                return Optional.empty();
            }
            return Optional.of(
                    new HealthSpec(path.get(), port, expectStatus, checks.get(), timeout, successes, interval));
        });
    }

    /** The drain settings; all defaults when the section is absent. */
    static Optional<DrainSpec> readDrain(Optional<Field> field, Optional<Published> published) {
        if (field.isEmpty()) {
            checkDefaultPort("drain", published);
            return Optional.of(new DrainSpec("/shutdown", "GET", DEFAULT_PORT));
        }
        return field.get().mapping(DRAIN_KEYS).flatMap(drain -> {
            Optional<String> path = path(drain, "/shutdown");
            Optional<String> method = drain.optional("method")
                    .map(f -> f.text(METHOD, "GET or POST", "write GET or POST, in capitals"))
                    .orElse(Optional.of("GET"));
            int port = port(drain, published);
            if (!Sections.allPresent(path, method)) {
                return Optional.empty();
            }
            return Optional.of(new DrainSpec(path.get(), method.get(), port));
        });
    }

    private static Optional<String> path(MappingReader section, String defaultPath) {
        return section.optional("path").map(HealthSection::path).orElse(Optional.of(defaultPath));
    }

    private static Optional<String> path(Field field) {
        return field.text().filter(path -> {
            if (PATH.matcher(path).matches()) {
                return true;
            }
            field.problem(Text.quote(path) + " must start with '/' and have no spaces",
                    path.startsWith("/") ? null : "write \"/" + path.strip() + "\"");
            return false;
        });
    }

    /**
     * The TCP ports the traffic service publishes on each droplet, and where they are written (the ports
     * list, or the service when it has none), to point at when a needed port is missing.
     */
    record Published(List<Integer> tcpPorts, Field where) {

        static Optional<Published> of(Optional<ServiceSpec> service, Optional<Field> serviceField) {
            if (service.isEmpty() || serviceField.isEmpty()) {
                return Optional.empty();
            }
            Field where = serviceField.get().freeMapping().flatMap(m -> m.optional("ports"))
                    .orElse(serviceField.get());
            List<Integer> tcp = service.get().ports().stream()
                    .filter(p -> p.protocol().equals("tcp")).map(PortMapping::hostPort).toList();
            return Optional.of(new Published(tcp, where));
        }

        /** The key path of the ports list: service.ports, or services[N].ports for the traffic item. */
        String portsPath() {
            return where.path().endsWith(".ports") ? where.path() : where.path() + ".ports";
        }
    }

    /**
     * The droplet port an endpoint answers on. It must be a TCP port the service publishes: fleet
     * asks from the droplet itself, so an unpublished port could never answer.
     */
    private static int port(MappingReader section, Optional<Published> published) {
        Optional<Field> field = section.optional("port");
        Optional<Integer> port = field.map(f -> f.integer(1, 65535)).orElse(Optional.of(DEFAULT_PORT));
        port.filter(p -> published.isPresent() && !published.get().tcpPorts().contains(p)).ifPresent(p -> {
            String ports = published.get().portsPath();
            String message = " is not a TCP port that " + ports + " publishes" + list(published.get());
            String hint = "publish it in " + ports + ", or set " + section.path() + ".port to a published port";
            field.ifPresentOrElse(f -> f.problem(p + message, hint),
                    () -> section.missing("port " + p + " (the default)" + message, hint));
        });
        return port.orElse(DEFAULT_PORT);
    }

    /** An absent section still uses port 80: it must be published too. */
    private static void checkDefaultPort(String section, Optional<Published> published) {
        published.filter(p -> !p.tcpPorts().contains(DEFAULT_PORT)).ifPresent(p -> p.where().problem(
                "publishes no TCP port " + DEFAULT_PORT + ", which " + section + " uses by default" + list(p),
                "publish " + DEFAULT_PORT + ", or set " + section + ".port to a published port"));
    }

    private static String list(Published published) {
        return published.tcpPorts().isEmpty() ? "" : " (TCP ports published: " + published.tcpPorts() + ")";
    }

    private static Optional<List<HealthSpec.ContentCheck>> checks(Field field) {
        return field.list().flatMap(elements -> {
            List<HealthSpec.ContentCheck> checks = new ArrayList<>();
            boolean valid = true;
            for (Field element : elements) {
                Optional<HealthSpec.ContentCheck> check = element.mapping(CHECK_KEYS).flatMap(c -> {
                    Optional<String> path = c.required("path").flatMap(HealthSection::path);
                    Optional<String> expect = c.required("expect", "the text a healthy answer contains")
                            .flatMap(Field::text).filter(text -> {
                                if (text.isBlank()) {
                                    c.optional("expect").orElseThrow()
                                            .problem("is empty; every answer would contain it");
                                }
                                return !text.isBlank();
                            });
                    return Sections.allPresent(path, expect)
                            ? Optional.of(new HealthSpec.ContentCheck(path.get(), expect.get()))
                            : Optional.empty();
                });
                check.ifPresent(checks::add);
                valid &= check.isPresent();
            }
            return valid ? Optional.of(checks) : Optional.empty();
        });
    }
}
