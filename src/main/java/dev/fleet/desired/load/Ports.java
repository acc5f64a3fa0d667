package dev.fleet.desired.load;

import dev.fleet.desired.Hosts;
import dev.fleet.desired.PortMapping;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads published ports in the subset of {@code docker run -p} fleet supports:
 * {@code [address:]host:container[/tcp|/udp]}, single ports (no ranges), the address an IPv4 one or
 * an IPv6 one in brackets.
 */
final class Ports {

    private static final Pattern FORM = Pattern.compile(
            "(?:(?<ip>[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):)?"
                    + "(?<host>[0-9]{1,5}):(?<container>[0-9]{1,5})(?:/(?<protocol>[a-z]+))?");
    private static final String HINT =
            "publish a port as \"80:80\" (host:container), optionally with an address first (\"127.0.0.1:8081:8081\")"
                    + " and /udp after (\"53:53/udp\")";

    private Ports() {}

    static Optional<PortMapping> read(Field field) {
        return field.text().flatMap(text -> parse(text, field));
    }

    private static Optional<PortMapping> parse(String text, Field field) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            field.problem(Text.quote(text) + " is not [address:]host:container[/protocol]", HINT);
            return Optional.empty();
        }
        String protocol = m.group("protocol") == null ? "tcp" : m.group("protocol");
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            field.problem(Text.quote(text) + ": the protocol must be tcp or udp");
            return Optional.empty();
        }
        String ip = m.group("ip");
        if (ip != null && !ip.startsWith("[") && !Hosts.isIpv4(ip)) {
            field.problem(Text.quote(text) + ": " + ip + " is not an IPv4 address");
            return Optional.empty();
        }
        int host = Integer.parseInt(m.group("host"));
        int container = Integer.parseInt(m.group("container"));
        for (int port : new int[] {host, container}) {
            if (port < 1 || port > 65535) {
                field.problem(Text.quote(text) + ": port " + port + " is out of range: expected 1 to 65535");
                return Optional.empty();
            }
        }
        // Kept without brackets: whoever renders -p or a port binding adds the syntax it needs.
        Optional<String> address =
                Optional.ofNullable(ip).map(a -> a.startsWith("[") ? a.substring(1, a.length() - 1) : a);
        return Optional.of(new PortMapping(address, host, container, protocol));
    }
}
