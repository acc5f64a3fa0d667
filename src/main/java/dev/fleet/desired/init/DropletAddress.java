package dev.fleet.desired.init;

import dev.fleet.desired.Hosts;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A droplet as {@code fleet init --droplet NAME=HOST[:PORT]} names it.
 *
 * @param name its name in the state: lowercase letters, digits and '-', as the loader wants
 * @param host a DNS name or an IP address
 * @param port its sshd's port
 */
public record DropletAddress(String name, String host, int port) {

    static final int SSH_PORT = 22;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** NAME=HOST, NAME=HOST:PORT, NAME=[IPV6] or NAME=[IPV6]:PORT. */
    private static final Pattern FORM = Pattern.compile("([^=]*)=(?:\\[([^\\]]*)\\]|([^:\\[\\]]*))(?::([^:]*))?");

    public DropletAddress {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("droplet name '" + name + "': lowercase letters, digits and '-',"
                    + " starting with a letter or digit, at most 63 characters");
        }
        if (!Hosts.isHost(host)) {
            throw new IllegalArgumentException("droplet " + name + ": '" + host + "' is not a host name or an IP"
                    + " address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("droplet " + name + ": port " + port + " is not 1-65535");
        }
    }

    /**
     * Reads {@code NAME=HOST[:PORT]} (an IPv6 address in brackets: {@code web-1=[2001:db8::1]:2222}).
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static DropletAddress parse(String text) {
        Matcher matcher = FORM.matcher(text.strip());
        String expected = "expected NAME=HOST[:PORT], such as web-1=203.0.113.10 or web-2=web2.example.com:2222";
        if (!matcher.matches() || matcher.group(1).isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': " + expected);
        }
        String host = matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': the host is missing; " + expected);
        }
        String port = matcher.group(4);
        if (port == null) {
            return new DropletAddress(matcher.group(1), host, SSH_PORT);
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("'" + text + "': the port '" + port + "' is not a number 1-65535");
        }
        return new DropletAddress(matcher.group(1), host, Integer.parseInt(port));
    }

    /** How messages name it: {@code web-1 (203.0.113.10:22)}. */
    public String describe() {
        return name + " (" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + ")";
    }

    /** How known_hosts names its host: {@code host} on port 22, {@code [host]:port} elsewhere. */
    public String knownHostsPattern() {
        return port == SSH_PORT ? host : "[" + host + "]:" + port;
    }
}
