package dev.fleet.drift;

import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LogSettings;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.VolumeMount;
import dev.fleet.observed.ImageDefaults;
import dev.fleet.observed.ObservedConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * How a running container's configuration differs from the one the state wants, key by key, in
 * the words a person reads in a drift report: {@code environment.API_TOKEN changed}, {@code ports:
 * 8080:8080 added}, {@code restart: always -> unless-stopped}. "added" and "removed" say what an
 * apply would do to the running container. Pure.
 *
 * <p>What the image gives every container (its environment, command, labels...) and what Docker
 * fills in by itself (its default network, a user or working directory of the image's) is not a
 * difference. An environment value is compared in memory and never written, nor anything derived
 * from it; a command may hold one too, so it is only said to differ.
 */
public final class ConfigDiff {

    /** Docker's stop grace when none is set. */
    private static final Duration DOCKER_STOP_GRACE = Duration.ofSeconds(10);
    private static final String DEFAULT_NETWORK = "bridge";
    private static final long MIB = 1024 * 1024;

    private ConfigDiff() {}

    /** Every difference, in the order of the state's keys; empty when the container is as wanted. */
    public static List<String> differences(ContainerSettings desired, ObservedConfig observed) {
        ContainerSettings running = observed.settings();
        ImageDefaults image = observed.image();
        List<String> differences = new ArrayList<>();
        List<String> command = desired.command()
                .orElse(desired.entrypoint().isPresent() ? List.of() : image.command());
        if (!command.equals(running.command().orElse(List.of()))) {
            differences.add("command changed");
        }
        if (!desired.entrypoint().orElse(image.entrypoint()).equals(running.entrypoint().orElse(List.of()))) {
            differences.add("entrypoint changed");
        }
        environment(desired.environment(), running.environment(), image.environment(), differences);
        added("ports", desired.ports(), running.ports(), PortMapping::text, differences);
        added("volumes", desired.volumes(), running.volumes(), VolumeMount::text, differences);
        added("networks", desired.networks().isEmpty() ? List.of(DEFAULT_NETWORK) : desired.networks(),
                running.networks(), Function.identity(), differences);
        changed("restart", desired.restart(), running.restart(), differences);
        labels(desired.labels(), running.labels(), image.labels(), differences);
        imageDefault("user", desired.user(), running.user(), image.user(), differences);
        imageDefault("working-dir", desired.workingDir(), running.workingDir(), image.workingDir(), differences);
        log(desired.log(), running.log(), differences);
        limits(desired.limits(), running.limits(), differences);
        Optional<String> signal = desired.stopSignal().map(ConfigDiff::signal);
        imageDefault("stop-signal", signal, running.stopSignal().map(ConfigDiff::signal), signal(image.stopSignal()),
                differences);
        Duration grace = desired.stopGrace().orElse(DOCKER_STOP_GRACE);
        Duration runningGrace = running.stopGrace().orElse(DOCKER_STOP_GRACE);
        if (grace.toSeconds() != runningGrace.toSeconds()) {
            differences.add("stop-grace: " + runningGrace.toSeconds() + "s -> " + grace.toSeconds() + "s");
        }
        added("extra-hosts", desired.extraHosts(), running.extraHosts(), Function.identity(), differences);
        if (desired.init() != running.init()) {
            differences.add("init: " + running.init() + " -> " + desired.init());
        }
        return List.copyOf(differences);
    }

    /** The image's environment, then the state's over it, against the container's; never a value. */
    private static void environment(Map<String, EnvValue> desired, Map<String, EnvValue> running,
            Map<String, String> image, List<String> differences) {
        Map<String, String> wanted = new LinkedHashMap<>(image);
        desired.forEach((name, value) -> wanted.put(name, reveal(value)));
        Set<String> names = new LinkedHashSet<>(desired.keySet());
        names.addAll(wanted.keySet());
        names.addAll(running.keySet());
        for (String name : names) {
            String want = wanted.get(name);
            EnvValue have = running.get(name);
            if (want != null && have == null) {
                differences.add("environment." + name + " added");
            } else if (want == null && have != null) {
                differences.add("environment." + name + " removed");
            } else if (want != null && !want.equals(reveal(have))) {
                differences.add("environment." + name + " changed");
            }
        }
    }

    /** Labels the state sets, against the container's; one only the image gave it is the image's. */
    private static void labels(Map<String, String> desired, Map<String, String> running, Map<String, String> image,
            List<String> differences) {
        desired.forEach((key, value) -> {
            if (!running.containsKey(key)) {
                differences.add("labels." + key + " added");
            } else if (!running.get(key).equals(value)) {
                differences.add("labels." + key + " changed");
            }
        });
        running.forEach((key, value) -> {
            if (!desired.containsKey(key) && !value.equals(image.get(key))) {
                differences.add("labels." + key + " removed");
            }
        });
    }

    private static void log(LogSettings desired, LogSettings running, List<String> differences) {
        changed("log.driver", desired.driver(), running.driver(), differences);
        Set<String> options = new TreeSet<>(desired.options().keySet());
        options.addAll(running.options().keySet());
        for (String option : options) {
            changed("log.options." + option, desired.options().getOrDefault(option, "(none)"),
                    running.options().getOrDefault(option, "(none)"), differences);
        }
    }

    private static void limits(Limits desired, Limits running, List<String> differences) {
        changed("limits.memory", desired.memoryBytes().map(ConfigDiff::bytes).orElse("none"),
                running.memoryBytes().map(ConfigDiff::bytes).orElse("none"), differences);
        changed("limits.cpus", desired.nanoCpus().map(ConfigDiff::cpus).orElse("none"),
                running.nanoCpus().map(ConfigDiff::cpus).orElse("none"), differences);
        changed("limits.pids", desired.pids().map(String::valueOf).orElse("none"),
                running.pids().map(String::valueOf).orElse("none"), differences);
    }

    /**
     * A setting the state may leave to the image: none wanted means the image's, and a container
     * that shows nothing there (Docker did not copy it) is as wanted too.
     */
    private static void imageDefault(String key, Optional<String> desired, Optional<String> running, String image,
            List<String> differences) {
        String have = running.orElse("");
        if (desired.isEmpty() && (have.isEmpty() || have.equals(image))) {
            return;
        }
        changed(key, desired.orElse(image.isEmpty() ? "(the image's: none)" : image), have.isEmpty() ? "(none)" : have,
                differences);
    }

    /** Items the state lists and the container does not have, "added", and the other way, "removed". */
    private static <T> void added(String key, List<T> desired, List<T> running, Function<T, String> text,
            List<String> differences) {
        Set<String> want = new LinkedHashSet<>(desired.stream().map(text).toList());
        Set<String> have = new LinkedHashSet<>(running.stream().map(text).toList());
        want.stream().filter(w -> !have.contains(w)).forEach(w -> differences.add(key + ": " + w + " added"));
        have.stream().filter(h -> !want.contains(h)).forEach(h -> differences.add(key + ": " + h + " removed"));
    }

    private static void changed(String key, String desired, String running, List<String> differences) {
        if (!desired.equals(running)) {
            differences.add(key + ": " + running + " -> " + desired);
        }
    }

    private static String reveal(EnvValue value) {
        return switch (value) {
            case EnvValue.Plain plain -> plain.value();
            case EnvValue.SecretValue secret -> secret.value().reveal();
        };
    }

    /** {@code TERM} and {@code SIGTERM} are one signal. */
    private static String signal(String name) {
        return name.isEmpty() || name.startsWith("SIG") || Character.isDigit(name.charAt(0)) ? name : "SIG" + name;
    }

    static String bytes(long bytes) {
        if (bytes % (1024 * MIB) == 0) {
            return bytes / (1024 * MIB) + "g";
        }
        return bytes % MIB == 0 ? bytes / MIB + "m" : bytes % 1024 == 0 ? bytes / 1024 + "k" : bytes + "b";
    }

    static String cpus(long nanoCpus) {
        return BigDecimal.valueOf(nanoCpus, 9).stripTrailingZeros().toPlainString();
    }
}
