package dev.fleet.infra.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names the status server answers to, read from a request's {@code Host} header: localhost,
 * 127.0.0.1, [::1], the address it listens on, and the names the operator adds.
 *
 * <p>Why: a browser puts in {@code Host} the name of the site its page came from. A page of
 * another site whose name was made to point at this machine (DNS rebinding) would otherwise read
 * {@code /drift.json} as if it were the same site; its requests carry its own name, and are
 * refused. Ports are not compared: an SSH tunnel ({@code localhost:9000} to port 8089) or a proxy
 * changes the port, not who asks.
 */
final class AllowedHosts {

    private static final Pattern NAME =
            Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+(%[a-z0-9]+)?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private final Set<String> names;
    private final List<String> shown;

    private AllowedHosts(Set<String> names, List<String> shown) {
        this.names = names;
        this.shown = shown;
    }

    /** The loopback names, {@code listening}'s host, and {@code extra} (host names or addresses). */
    static AllowedHosts of(InetSocketAddress listening, List<String> extra) {
        List<String> given = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1", listening.getHostString()));
        if (listening.getAddress() != null) {
            given.add(listening.getAddress().getHostAddress());
        }
        given.addAll(extra);
        Set<String> names = new LinkedHashSet<>();
        Set<String> shown = new LinkedHashSet<>();
        for (String name : given) {
            if (names.add(canonical(name))) {
                shown.add(name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name);
            }
        }
        return new AllowedHosts(names, List.copyOf(shown));
    }

    /** Whether a request whose {@code Host} header is {@code host} is answered. */
    boolean allows(String host) {
        return name(host).map(names::contains).orElse(false);
    }

    /**
     * The name in a {@code Host} header ({@code name}, {@code name:port}, {@code [v6]:port}),
     * canonical; empty when it is not one.
     */
    static Optional<String> name(String host) {
        String value = host.strip().toLowerCase(Locale.ROOT);
        String name;
        String port = "";
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || !IPV6.matcher(value.substring(1, close)).matches()) {
                return Optional.empty();
            }
            name = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.empty();
                }
                port = rest.substring(1);
            }
        } else {
            int colon = value.lastIndexOf(':');
            name = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? "" : value.substring(colon + 1);
            if (!NAME.matcher(name.endsWith(".") ? name.substring(0, name.length() - 1) : name).matches()) {
                return Optional.empty();
            }
        }
        if (!port.isEmpty() && !PORT.matcher(port).matches()) {
            return Optional.empty();
        }
        return Optional.of(canonical(name));
    }

    /** The names, as a Host header would give them, for messages. */
    List<String> describe() {
        return List.copyOf(shown);
    }

    /**
     * Lower case, without a final dot or brackets; an IPv6 address in Java's full form, so that
     * {@code ::1} and {@code 0:0:0:0:0:0:0:1} are the same name.
     */
    private static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("[") && lower.endsWith("]")) {
            lower = lower.substring(1, lower.length() - 1);
        }
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.contains(":") && IPV6.matcher(lower).matches()) {
            try {
                return InetAddress.getByName(lower).getHostAddress(); // a literal: parsed, never looked up
            } catch (UnknownHostException e) {
                return lower;
            }
        }
        return lower;
    }
}
