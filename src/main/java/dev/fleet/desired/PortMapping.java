package dev.fleet.desired;

import java.util.Optional;

/**
 * A port the service's container publishes on its droplet, as in {@code docker run -p}.
 *
 * @param hostIp        the droplet address to bind, or empty for all of them
 * @param hostPort      the droplet's port
 * @param containerPort the container's port
 * @param protocol      {@code tcp} or {@code udp}
 */
public record PortMapping(Optional<String> hostIp, int hostPort, int containerPort, String protocol) {

    /** As the state writes it: {@code [address:]host:container[/udp]}, an IPv6 address in brackets, host port 0 as "(free)". */
    public String text() {
        return hostIp.map(ip -> (ip.contains(":") ? "[" + ip + "]" : ip) + ":").orElse("")
                + (hostPort == 0 ? "(free)" : String.valueOf(hostPort)) + ":" + containerPort
                + (protocol.equals("tcp") ? "" : "/" + protocol);
    }
}
