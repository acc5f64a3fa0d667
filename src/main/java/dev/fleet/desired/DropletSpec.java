package dev.fleet.desired;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One droplet of the fleet.
 *
 * @param name          unique in the fleet; also its server name in the balancer unless
 *                      {@code balancerServer} says otherwise
 * @param host          where to reach its sshd
 * @param port          its sshd's port
 * @param user          the SSH user (in the docker group)
 * @param image         an image pinned for this droplet only (a canary), or empty for the fleet's
 * @param balancerServer the droplet's server name in an HAProxy backend, when it differs from name
 * @param addresses     its public IP addresses, which a round-robin DNS name publishes (see {@link
 *                      DnsSpec}); by default its host, when that is an address
 * @param environment   environment variables of this droplet only (a region, a shard number),
 *                      merged over the service's: a name in both takes this droplet's value
 * @param tags          names of groups it belongs to ({@code web}, {@code db}), which services select
 *                      it by ({@code on: [web]})
 */
public record DropletSpec(
        String name, String host, int port, String user, Optional<ImageRef> image, Optional<String> balancerServer,
        List<String> addresses, Map<String, EnvValue> environment, List<String> tags) {

    public DropletSpec {
        addresses = List.copyOf(addresses);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        tags = List.copyOf(tags);
    }

    /** A droplet without tags. */
    public DropletSpec(String name, String host, int port, String user, Optional<ImageRef> image,
            Optional<String> balancerServer, List<String> addresses, Map<String, EnvValue> environment) {
        this(name, host, port, user, image, balancerServer, addresses, environment, List.of());
    }

    /** A droplet with no environment of its own. */
    public DropletSpec(String name, String host, int port, String user, Optional<ImageRef> image,
            Optional<String> balancerServer, List<String> addresses) {
        this(name, host, port, user, image, balancerServer, addresses, Map.of());
    }

    /** A droplet whose public address, if any, is its host. */
    public DropletSpec(String name, String host, int port, String user, Optional<ImageRef> image,
            Optional<String> balancerServer) {
        this(name, host, port, user, image, balancerServer,
                Hosts.isIpv4(host) || host.contains(":") ? List.of(host) : List.of());
    }

    public String serverName() {
        return balancerServer.orElse(name);
    }
}
