package dev.fleet.desired.load;

import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LogSettings;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.VolumeMount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code service:}, the one traffic service on every droplet; and, for {@link
 * ServicesSection}, the keys an item of {@code services:} shares with it.
 */
final class ServiceSection {

    static final Set<String> KEYS = Sections.keys("name", "image", "ports", "environment", "restart", "labels",
            "command", "entrypoint", "volumes", "networks", "user", "working-dir", "log", "limits", "stop-signal",
            "stop-grace", "extra-hosts", "init");

    /** Docker's container name rule, capped at a DNS label's length. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern RESTART = Pattern.compile("no|always|unless-stopped|on-failure(:[1-9][0-9]{0,3})?");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");
    private static final String RESERVED_PREFIX = "fleet.";

    private ServiceSection() {}

    /**
     * @param commandTimeout {@code ssh.command-timeout} as read (its default when not given), which
     *                       {@code stop-grace} must be less than; empty when it could not be read
     */
    static Optional<ServiceSpec> read(Field field, LoadContext context, Optional<Duration> commandTimeout) {
        return field.mapping(KEYS).flatMap(service -> read(service, context, commandTimeout));
    }

    /**
     * The keys of {@link #KEYS} in {@code service}, whose other keys its reader has already judged:
     * a service with the single form's role, placement and hooks, which an item of {@code
     * services:} replaces with its own.
     */
    static Optional<ServiceSpec> read(MappingReader service, LoadContext context, Optional<Duration> commandTimeout) {
        Optional<String> name = service.required("name").flatMap(f -> f.text(NAME, "a valid container name",
                "use letters, digits, '_', '.' and '-', starting with a letter or digit, at most 63 characters"));
        Optional<ImageRef> image = service.required("image").flatMap(Images::read);
        Optional<List<PortMapping>> ports = service.optional("ports").map(ServiceSection::ports)
                .orElse(Optional.of(List.of()));
        Optional<Map<String, EnvValue>> environment = service.optional("environment")
                .map(f -> environment(f, context)).orElse(Optional.of(Map.of()));
        Optional<String> restart = service.optional("restart")
                .map(f -> f.text(RESTART, "a restart policy",
                        "one of: no, always, unless-stopped, on-failure, on-failure:N (at most N restarts)"))
                .orElse(Optional.of("always"));
        Optional<Map<String, String>> labels = service.optional("labels").map(ServiceSection::labels)
                .orElse(Optional.of(Map.of()));
        Optional<Optional<List<String>>> command = optional(service, "command",
                f -> ContainerKeys.words(f, "command"));
        Optional<Optional<List<String>>> entrypoint = optional(service, "entrypoint",
                f -> ContainerKeys.words(f, "entrypoint"));
        Optional<List<VolumeMount>> volumes = service.optional("volumes").map(Mounts::volumes)
                .orElse(Optional.of(List.of()));
        Optional<List<String>> networks = service.optional("networks").map(ContainerKeys::networks)
                .orElse(Optional.of(List.of()));
        Optional<Optional<String>> user = optional(service, "user", ContainerKeys::user);
        Optional<Optional<String>> workingDir = optional(service, "working-dir", ContainerKeys::workingDir);
        Optional<LogSettings> log = service.optional("log").map(ContainerKeys::log)
                .orElse(Optional.of(LogSettings.DEFAULT));
        Optional<Limits> limits = service.optional("limits").map(ResourceLimits::read)
                .orElse(Optional.of(Limits.NONE));
        Optional<Optional<String>> stopSignal = optional(service, "stop-signal", ContainerKeys::stopSignal);
        Optional<Optional<Duration>> stopGrace = optional(service, "stop-grace",
                f -> ContainerKeys.stopGrace(f, commandTimeout));
        Optional<List<String>> extraHosts = service.optional("extra-hosts").map(ContainerKeys::extraHosts)
                .orElse(Optional.of(List.of()));
        boolean init = service.bool("init", false);
        if (!Sections.allPresent(name, image, ports, environment, restart, labels, command, entrypoint, volumes,
                networks, user, workingDir, log, limits, stopSignal, stopGrace, extraHosts)) {
            return Optional.empty();
        }
        ContainerSettings container = new ContainerSettings(ports.get(), environment.get(), restart.get(),
                labels.get(), command.get(), entrypoint.get(), volumes.get(), networks.get(), user.get(),
                workingDir.get(), log.get(), limits.get(), stopSignal.get(), stopGrace.get(), extraHosts.get(),
                init);
        return Optional.of(new ServiceSpec(name.get(), image.get(), container));
    }

    /**
     * An optional key whose absence is "as the image says": empty inside when absent, the value
     * inside when read, empty outside when it could not be read (its problem is recorded).
     */
    private static <T> Optional<Optional<T>> optional(MappingReader service, String key,
            Function<Field, Optional<T>> reader) {
        return service.optional(key).map(f -> reader.apply(f).map(Optional::of)).orElse(Optional.of(Optional.empty()));
    }

    private static Optional<List<PortMapping>> ports(Field field) {
        return field.list().flatMap(elements -> {
            List<PortMapping> ports = new ArrayList<>();
            Map<String, Field> published = new HashMap<>();
            boolean valid = true;
            for (Field element : elements) {
                Optional<PortMapping> port = Ports.read(element);
                if (port.isEmpty()) {
                    valid = false;
                    continue;
                }
                String hostPort = port.get().hostPort() + "/" + port.get().protocol();
                Field first = published.putIfAbsent(hostPort, element);
                if (first != null) {
                    element.problem("host port " + hostPort + " is already published by " + first.path()
                            + " (line " + (first.mark().getLine() + 1) + ")",
                            "a droplet port can be published once; remove one of them");
                    valid = false;
                }
                ports.add(port.get());
            }
            return valid ? Optional.of(ports) : Optional.empty();
        });
    }

    /**
     * Environment variables, in the order written: plain values, or secrets named by {@code
     * secret-from-env} or {@code secret-from-file} and resolved now. The service's and each
     * droplet's alike.
     */
    static Optional<Map<String, EnvValue>> environment(Field field, LoadContext context) {
        return field.freeMapping().flatMap(mapping -> {
            Map<String, EnvValue> environment = new LinkedHashMap<>();
            boolean valid = true;
            for (MappingReader.Entry entry : mapping.entries()) {
                if (!Secrets.VARIABLE.matcher(entry.key()).matches()) {
                    entry.keyField().problem("is not a valid environment variable name",
                            "use letters, digits and _, not starting with a digit");
                    valid = false;
                    continue;
                }
                Optional<EnvValue> value = envValue(entry.value(), context);
                value.ifPresent(v -> environment.put(entry.key(), v));
                valid &= value.isPresent();
            }
            return valid ? Optional.of(environment) : Optional.empty();
        });
    }

    private static Optional<EnvValue> envValue(Field field, LoadContext context) {
        if (field.isNothing()) {
            field.problem("has no value", "write \"\" for an empty value");
            return Optional.empty();
        }
        if (field.node() instanceof ScalarNode) {
            return field.text().map(EnvValue.Plain::new);
        }
        if (field.node() instanceof SequenceNode) {
            field.problem("expected text, a number, true/false or { secret-from-env: NAME }, found a list");
            return Optional.empty();
        }
        return field.mapping(Sections.keys("secret-from-env", "secret-from-file")).flatMap(secret -> {
            Optional<Field> fromEnv = secret.optional("secret-from-env");
            Optional<Field> fromFile = secret.optional("secret-from-file");
            if (fromEnv.isPresent() && fromFile.isPresent()) {
                fromFile.get().problem("give either secret-from-env or secret-from-file, not both");
                return Optional.empty();
            }
            if (fromEnv.isEmpty() && fromFile.isEmpty()) {
                secret.missing("expected secret-from-env: NAME or secret-from-file: PATH", null);
                return Optional.empty();
            }
            return fromEnv.map(f -> Secrets.fromEnv(f, context))
                    .orElseGet(() -> Secrets.fromFile(fromFile.get(), context))
                    .map(resolved -> new EnvValue.SecretValue(resolved.secret(), resolved.source()));
        });
    }

    private static Optional<Map<String, String>> labels(Field field) {
        return field.freeMapping().flatMap(mapping -> {
            Map<String, String> labels = new LinkedHashMap<>();
            boolean valid = true;
            for (MappingReader.Entry entry : mapping.entries()) {
                if (entry.key().toLowerCase(Locale.ROOT).startsWith(RESERVED_PREFIX)) {
                    entry.keyField().problem("label keys starting with \"fleet.\" are reserved for fleet's own labels",
                            "fleet sets fleet.service and fleet.digest itself; choose another prefix, e.g. team.");
                    valid = false;
                    continue;
                }
                if (!LABEL_KEY.matcher(entry.key()).matches()) {
                    entry.keyField().problem("is not a valid label key",
                            "use letters, digits, '.', '_', '/' and '-', e.g. com.example.team");
                    valid = false;
                    continue;
                }
                Optional<String> value = entry.value().text();
                value.ifPresent(v -> labels.put(entry.key(), v));
                valid &= value.isPresent();
            }
            return valid ? Optional.of(labels) : Optional.empty();
        });
    }
}
