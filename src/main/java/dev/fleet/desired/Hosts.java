package dev.fleet.desired;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** What counts as a host to reach over SSH: an IPv4 or IPv6 address, or a DNS name. */
public final class Hosts {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}");
    private static final Pattern NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private Hosts() {}

    public static boolean isIpv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return false;
        }
        for (String octet : text.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code text} is an address or a DNS name. Being that strict also keeps out spaces,
     * shell metacharacters and a leading '-' that a command line could read as an option.
     */
    public static boolean isHost(String text) {
        if (text.length() > 253) {
            return false;
        }
        if (IPV4.matcher(text).matches()) {
            return isIpv4(text);
        }
        return IPV6.matcher(text).matches() || NAME.matcher(text).matches();
    }

    /**
     * A loopback address written as such (127.0.0.0/8, {@code [::1]}), or {@code localhost}, as a
     * URI's host: no name is looked up, so no DNS answer can make another machine count as this one.
     */
    public static boolean isLoopback(String host) {
        if (isIpv4(host)) {
            return host.startsWith("127.");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            try {
                // A literal: parsed, never looked up.
                return InetAddress.getByName(host.substring(1, host.length() - 1)).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return host.equalsIgnoreCase("localhost");
    }

    /** Whether {@code uri} is plain http to a host other than this machine's loopback. */
    public static boolean isPlainHttpToAnotherMachine(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme()) && (uri.getHost() == null || !isLoopback(uri.getHost()));
    }
}
