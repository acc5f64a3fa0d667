package dev.fleet.desired.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads the keys of one YAML mapping by name. With a set of known keys, it reports every other key
 * as unknown (with a "did you mean" when a known one is close) as soon as it is made, so a section
 * cannot forget to. Duplicate and non-text keys are reported by {@link SafeYaml}; here the first
 * occurrence of a key wins and non-text keys are skipped.
 */
final class MappingReader {

    /** service: is one traffic service on every droplet, so the keys that say otherwise are not its. */
    private static final String SERVICES_ONLY = "role, on, min-uptime and hooks are keys of an item of services:,"
            + " the form for several services (see fleet-state/example-services.yaml); service: is one traffic"
            + " service on every droplet";

    /** Hints for unknown keys that are a known mistake rather than a typo. */
    private static final Map<String, String> KNOWN_MISTAKES = Map.ofEntries(
            Map.entry("<<", "YAML merge keys are not supported: write the keys out"),
            Map.entry("password", "a password is never written in the state file: name where it comes from with"
                    + " password-from-env: VARIABLE or password-from-file: PATH"),
            Map.entry("logging", "a container's log driver goes under service.log: driver: NAME, options: {...}"),
            Map.entry("memory", "a memory limit goes under service.limits: memory: 512m"),
            Map.entry("mem_limit", "a memory limit goes under service.limits: memory: 512m"),
            Map.entry("cpus", "a CPU limit goes under service.limits: cpus: 1.5"),
            Map.entry("pids_limit", "a process limit goes under service.limits: pids: 200"),
            Map.entry("stop_grace_period", "write service.stop-grace: 10s"),
            Map.entry("workdir", "write service.working-dir: /app"),
            Map.entry("role", SERVICES_ONLY),
            Map.entry("on", SERVICES_ONLY),
            Map.entry("min-uptime", SERVICES_ONLY),
            Map.entry("hooks", SERVICES_ONLY));

    private final Field field;
    private final MappingNode node;
    private final Set<String> knownKeys;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** One key and its value. */
    record Entry(String key, Field keyField, Field value) {}

    /** @param knownKeys the keys this mapping may have, in documentation order; null for free keys */
    MappingReader(Field field, MappingNode node, Set<String> knownKeys) {
        this.field = field;
        this.node = node;
        this.knownKeys = knownKeys;
        for (NodeTuple tuple : node.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key && !entries.containsKey(key.getValue())) {
                String name = key.getValue();
                entries.put(name, new Entry(name, field.child(name, key), field.child(name, tuple.getValueNode())));
            }
        }
        if (knownKeys != null) {
            entries.values().stream().filter(e -> !knownKeys.contains(e.key())).forEach(this::reportUnknown);
        }
    }

    String path() {
        return field.path();
    }

    Field field() {
        return field;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Whether it has a key outside its known keys (each already reported). */
    boolean hasUnknownKeys() {
        return knownKeys != null && entries.keySet().stream().anyMatch(key -> !knownKeys.contains(key));
    }

    /** Every entry in file order (for free mappings such as labels). */
    List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    Optional<Entry> entry(String key) {
        checkKnown(key);
        return Optional.ofNullable(entries.get(key));
    }

    /** The value of an optional key, or empty when it is absent. */
    Optional<Field> optional(String key) {
        return entry(key).map(Entry::value);
    }

    /** The value of a required key; when absent, a problem at this mapping and empty. */
    Optional<Field> required(String key) {
        return required(key, null);
    }

    Optional<Field> required(String key, String hint) {
        Optional<Field> value = optional(key);
        if (value.isEmpty()) {
            missing("required key '" + key + "' is missing", hint);
        }
        return value;
    }

    /** A problem about this mapping as a whole, at its position. */
    void missing(String message, String hint) {
        field.problems().at(node.getStartMark(), Field.label(path(), message), hint);
    }

    int integer(String key, int defaultValue, int min, int max) {
        return optional(key).map(f -> f.integer(min, max)).orElse(Optional.of(defaultValue)).orElse(defaultValue);
    }

    Duration duration(String key, Duration defaultValue) {
        return optional(key).map(Field::duration).orElse(Optional.of(defaultValue)).orElse(defaultValue);
    }

    boolean bool(String key, boolean defaultValue) {
        return optional(key).map(Field::bool).orElse(Optional.of(defaultValue)).orElse(defaultValue);
    }

    private void checkKnown(String key) {
        if (knownKeys != null && !knownKeys.contains(key)) {
            throw new IllegalArgumentException(key + " is not among the known keys of " + path());
        }
    }

    private void reportUnknown(Entry entry) {
        String hint = Optional.ofNullable(KNOWN_MISTAKES.get(entry.key()))
                .orElseGet(() -> "known keys here: " + String.join(", ", knownKeys));
        String message = Suggestions.closest(entry.key(), knownKeys)
                .map(known -> "unknown key; did you mean '" + known + "'?")
                .orElse("unknown key");
        entry.keyField().problem(message, message.endsWith("?") ? null : hint);
    }
}
