package dev.fleet.desired.load;

import dev.fleet.desired.ProxySpec;
import dev.fleet.desired.ServiceSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code proxy:}, the nginx on each droplet that a blue-green rollout switches. */
final class ProxySection {

    static final Set<String> KEYS = Sections.keys("kind", "app-port", "config-file", "upstream", "check-port",
            "test-command", "reload-command", "drain-timeout");

    private static final Pattern KIND = Pattern.compile("nginx");
    /** Plain absolute paths only: the path goes into a shell command on the droplet. */
    private static final Pattern CONFIG_FILE = Pattern.compile("/[A-Za-z0-9._/-]{1,200}\\.conf");
    private static final Pattern UPSTREAM = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** One line of printable text: a command for the droplet's shell, written by the state's owner. */
    private static final Pattern COMMAND = Pattern.compile("[\\x20-\\x7E]{1,300}");

    static final int DEFAULT_APP_PORT = 80;
    static final int DEFAULT_CHECK_PORT = 8099;
    static final String DEFAULT_TEST = "sudo -n nginx -t";
    static final String DEFAULT_RELOAD = "sudo -n nginx -s reload";
    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private ProxySection() {}

    static Optional<ProxySpec> read(Field field, Optional<ServiceSpec> service) {
        return field.mapping(KEYS).flatMap(proxy -> {
            Optional<String> kind = proxy.required("kind", "nginx, the only proxy fleet switches for now")
                    .flatMap(f -> f.text(KIND, "a proxy kind fleet can switch", "nginx"));
            int appPort = proxy.integer("app-port", DEFAULT_APP_PORT, 1, 65535);
            String name = service.map(ServiceSpec::name).orElse("service");
            Optional<String> configFile = proxy.optional("config-file")
                    .map(f -> f.text(CONFIG_FILE, "an absolute path of plain characters ending in .conf",
                            "for example /etc/nginx/conf.d/fleet-" + name + ".conf"))
                    .orElse(Optional.of("/etc/nginx/conf.d/fleet-" + name + ".conf"));
            Optional<String> upstream = proxy.optional("upstream")
                    .map(f -> f.text(UPSTREAM, "an nginx upstream name fleet accepts",
                            "letters, digits and _, not starting with a digit"))
                    .orElse(Optional.of("fleet_" + name.replaceAll("[^A-Za-z0-9_]", "_")));
            int checkPort = proxy.integer("check-port", DEFAULT_CHECK_PORT, 1, 65535);
            if (checkPort == appPort) {
                proxy.optional("check-port").orElse(proxy.field()).problem("check-port and app-port are both "
                        + checkPort, "fleet's check server needs a loopback port of its own on the droplet");
            }
            Optional<String> test = command(proxy, "test-command", DEFAULT_TEST);
            Optional<String> reload = command(proxy, "reload-command", DEFAULT_RELOAD);
            Duration drainTimeout = proxy.duration("drain-timeout", DEFAULT_DRAIN_TIMEOUT);
            if (!Sections.allPresent(kind, configFile, upstream, test, reload) || checkPort == appPort) {
                return Optional.empty();
            }
            return Optional.of(new ProxySpec(appPort, configFile.get(), upstream.get(), checkPort, test.get(),
                    reload.get(), drainTimeout));
        });
    }

    private static Optional<String> command(MappingReader proxy, String key, String defaultCommand) {
        return proxy.optional(key)
                .map(f -> f.text(COMMAND, "one line of printable text", "a shell command, such as "
                        + Text.quote(defaultCommand)).filter(text -> {
                            if (text.isBlank()) {
                                f.problem("is empty", "leave it out for " + Text.quote(defaultCommand));
                            }
                            return !text.isBlank();
                        }))
                .orElse(Optional.of(defaultCommand));
    }
}
