package dev.fleet.desired.load;

import dev.fleet.desired.Durations;
import dev.fleet.desired.LogSettings;
import dev.fleet.dns.IpLiteral;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads the keys of {@code service:} that shape its container beyond ports, environment, restart
 * policy and labels: command, entrypoint, networks, user, working directory, log, stop signal and
 * grace, extra hosts ({@link Mounts} reads volumes, {@link ResourceLimits} limits). Each reader
 * returns the value, or records its problems at the value's position and returns empty.
 */
final class ContainerKeys {

    static final Set<String> LOG_KEYS = Sections.keys("driver", "options");

    /** Docker's rule for network names. */
    private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final int LONGEST_NETWORK = 128;
    private static final Set<String> UNSUPPORTED_NETWORKS = Set.of("host", "none");
    /** A user or uid, optionally a group or gid: what Docker's --user takes, without a leading '-'. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?");
    /** The log drivers built into Docker on Linux (plugins are not supported: fleet's Docker client cannot name them). */
    private static final Pattern LOG_DRIVER =
            Pattern.compile("json-file|local|journald|syslog|gelf|fluentd|awslogs|splunk|gcplogs|none");
    private static final Pattern LOG_OPTION = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    private static final List<String> SIGNALS =
            List.of("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGKILL");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern HOSTNAME = Pattern.compile(LABEL.pattern() + "(\\." + LABEL.pattern() + ")*");

    private ContainerKeys() {}

    /**
     * A command or entrypoint: a list of at least one word, each passed to the process as written.
     * A single string is refused: splitting it into words is a shell's job, and fleet never runs one.
     */
    static Optional<List<String>> words(Field field, String key) {
        return wordList(field, "leave " + key + " out to keep the image's "
                + (key.equals("command") ? "CMD" : "ENTRYPOINT") + ", or list the program and its arguments");
    }

    /** A list of words as {@link #words} reads it, with {@code emptyHint} for an empty list. */
    static Optional<List<String>> wordList(Field field, String emptyHint) {
        if (field.node() instanceof ScalarNode && !field.isNothing()) {
            field.problem("expected a list of words, found text",
                    "write it as a list, one word per element: [\"/app/server\", \"--port\", \"80\"]; a single"
                            + " string would need a shell to split it into words, and fleet never runs one");
            return Optional.empty();
        }
        return field.list().flatMap(elements -> {
            if (elements.isEmpty()) {
                field.problem("the list is empty", emptyHint);
                return Optional.empty();
            }
            List<String> words = new ArrayList<>();
            boolean valid = true;
            for (Field element : elements) {
                Optional<String> word = element.text().filter(text -> {
                    if (text.indexOf('\0') >= 0) {
                        element.problem("contains a NUL character, which no program argument can hold");
                        return false;
                    }
                    return true;
                });
                word.ifPresent(words::add);
                valid &= word.isPresent();
            }
            return valid ? Optional.of(words) : Optional.empty();
        });
    }

    /** Networks by name, none twice; host and none are refused. */
    static Optional<List<String>> networks(Field field) {
        return uniqueTexts(field, (name, element) -> {
            if (UNSUPPORTED_NETWORKS.contains(name)) {
                element.problem(Text.quote(name) + " networking is not supported", "fleet publishes ports"
                        + " and joins user networks; leave networks out for Docker's default bridge, or"
                        + " name networks created with docker network create");
                return false;
            }
            if (!NETWORK.matcher(name).matches() || name.length() > LONGEST_NETWORK) {
                element.problem(Text.quote(name) + " is not a valid network name", "letters, digits, '_',"
                        + " '.' and '-', starting with a letter or digit, at most 128 characters");
                return false;
            }
            return true;
        }, "list a network once");
    }

    /**
     * A list of texts, each valid as {@code valid} says (which records its own problem) and none
     * twice: a repeat is a problem naming where it was first, with {@code onceHint}.
     */
    static Optional<List<String>> uniqueTexts(Field field, BiPredicate<String, Field> valid, String onceHint) {
        return field.list().flatMap(elements -> {
            List<String> texts = new ArrayList<>();
            Map<String, Field> seen = new HashMap<>();
            boolean allValid = true;
            for (Field element : elements) {
                Optional<String> text = element.text().filter(t -> valid.test(t, element)).filter(t -> {
                    Field first = seen.putIfAbsent(t, element);
                    if (first != null) {
                        element.problem(Text.quote(t) + " is already listed by " + first.path() + " (line "
                                + (first.mark().getLine() + 1) + ")", onceHint);
                        return false;
                    }
                    return true;
                });
                text.ifPresent(texts::add);
                allValid &= text.isPresent();
            }
            return allValid ? Optional.of(texts) : Optional.empty();
        });
    }

    static Optional<String> user(Field field) {
        return field.text(USER, "a valid user", "a user name or uid, optionally with a group name or gid after a"
                + " colon: app, 1000 or 1000:1000");
    }

    static Optional<String> workingDir(Field field) {
        return field.text().filter(path -> {
            if (!path.startsWith("/")) {
                field.problem(Text.quote(path) + " is not an absolute path",
                        "the folder inside the container, starting with '/', such as /app");
                return false;
            }
            return Mounts.plainPath(path, field, Text.quote(path));
        });
    }

    /** A log driver and its options; exactly what is written, no default options added. */
    static Optional<LogSettings> log(Field field) {
        if (field.node() instanceof ScalarNode && !field.isNothing()) {
            String driver = ((ScalarNode) field.node()).getValue();
            field.problem("expected a mapping, found text",
                    "name the driver as a key: log: { driver: " + (LOG_DRIVER.matcher(driver).matches() ? driver
                            : "json-file") + " }");
            return Optional.empty();
        }
        return field.mapping(LOG_KEYS).flatMap(log -> {
            Optional<String> driver = log.required("driver", "the Docker log driver: json-file, local, journald,"
                    + " syslog, none...; leave log out for fleet's default (json-file, rotated)")
                    .flatMap(f -> f.text(LOG_DRIVER, "a log driver fleet can set",
                            "one of Docker's own: json-file, local, journald, syslog, gelf, fluentd, awslogs, splunk,"
                            + " gcplogs, none"));
            Optional<Map<String, String>> options = log.optional("options").map(ContainerKeys::logOptions)
                    .orElse(Optional.of(Map.of()));
            return Sections.allPresent(driver, options)
                    ? Optional.of(new LogSettings(driver.get(), options.get()))
                    : Optional.empty();
        });
    }

    private static Optional<Map<String, String>> logOptions(Field field) {
        return field.freeMapping().flatMap(mapping -> {
            Map<String, String> options = new LinkedHashMap<>();
            boolean valid = true;
            for (MappingReader.Entry entry : mapping.entries()) {
                if (!LOG_OPTION.matcher(entry.key()).matches()) {
                    entry.keyField().problem("is not a valid log option name",
                            "lowercase letters, digits, '_', '.' and '-', as the driver documents them: max-size,"
                                    + " max-file, tag...");
                    valid = false;
                    continue;
                }
                Optional<String> value = entry.value().text();
                value.ifPresent(v -> options.put(entry.key(), v));
                valid &= value.isPresent();
            }
            return valid ? Optional.of(options) : Optional.empty();
        });
    }

    /** A signal name, with or without SIG, in any case; as SIG and uppercase. */
    static Optional<String> stopSignal(Field field) {
        return field.text().flatMap(text -> {
            String upper = text.toUpperCase(Locale.ROOT);
            String signal = upper.startsWith("SIG") ? upper : "SIG" + upper;
            if (!SIGNALS.contains(signal)) {
                field.problem(Text.quote(text) + " is not a signal fleet can stop a container with",
                        "one of: " + String.join(", ", SIGNALS) + " (SIG may be left out)");
                return Optional.empty();
            }
            return Optional.of(signal);
        });
    }

    /**
     * A stop grace: a duration of whole seconds (Docker counts it so), shorter than the command
     * timeout, since the stop call waits it out and must return within that timeout.
     *
     * @param commandTimeout {@code ssh.command-timeout}, when it was read (its default when not given)
     */
    static Optional<Duration> stopGrace(Field field, Optional<Duration> commandTimeout) {
        return field.text().flatMap(text -> DurationField.parse(text, field).filter(grace -> {
            if (grace.toMillis() % 1000 != 0) {
                field.problem(Text.quote(text) + " is not whole seconds, as Docker counts a stop timeout",
                        "such as 10s");
                return false;
            }
            if (commandTimeout.isPresent() && grace.compareTo(commandTimeout.get()) >= 0) {
                field.problem(Text.quote(text) + " is not less than ssh.command-timeout ("
                        + Durations.setting(commandTimeout.get()) + "): the stop call waits out the grace and must"
                        + " return within the command timeout",
                        "raise ssh.command-timeout above it, or lower stop-grace");
                return false;
            }
            return true;
        }));
    }

    /** Extra {@code /etc/hosts} lines as {@code name:address}, as written; none twice. */
    static Optional<List<String>> extraHosts(Field field) {
        return uniqueTexts(field, ContainerKeys::extraHost, "list an entry once");
    }

    private static boolean extraHost(String text, Field field) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            field.problem(Text.quote(text) + " is not name:address",
                    "a host name and its IP address: \"db.internal:10.0.0.5\" or \"db.internal:2001:db8::5\"");
            return false;
        }
        String name = text.substring(0, colon);
        String address = text.substring(colon + 1);
        if (name.length() > 253 || !HOSTNAME.matcher(name).matches()) {
            field.problem(Text.quote(text) + ": " + Text.quote(name) + " is not a host name",
                    "labels of letters, digits and '-' separated by dots, such as db.internal");
            return false;
        }
        if (!isIpAddress(address)) {
            field.problem(Text.quote(text) + ": " + Text.quote(address) + " is not an IP address",
                    "an IPv4 or IPv6 address, without brackets: 10.0.0.5 or 2001:db8::5");
            return false;
        }
        return true;
    }

    /** An IPv4 literal (four decimal numbers, no leading zeros) or an IPv6 one (no brackets, no zone). */
    private static boolean isIpAddress(String text) {
        return IpLiteral.parse(text).isPresent();
    }
}
