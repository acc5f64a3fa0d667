package dev.fleet.dns;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One droplet's health check in one round: whether it passed, and the addresses its DNS records
 * would publish (an IPv4 address, an IPv6 one, or both). A droplet that could not be checked at all
 * (unreachable) failed its check.
 *
 * @param droplet   the droplet's name, as the desired state calls it
 * @param addresses its public addresses, canonicalised (see {@link DnsRecord#canonicalAddress})
 * @param passed    whether its health check passed this round
 */
public record DropletCheck(String droplet, List<String> addresses, boolean passed) {

    public DropletCheck {
        Objects.requireNonNull(droplet, "droplet");
        addresses = addresses.stream().map(DnsRecord::canonicalAddress).toList();
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("droplet " + droplet + " has no address to publish");
        }
        if (new HashSet<>(addresses).size() != addresses.size()) {
            throw new IllegalArgumentException("droplet " + droplet + " lists an address twice: " + addresses);
        }
    }

    public static DropletCheck passed(String droplet, String... addresses) {
        return new DropletCheck(droplet, List.of(addresses), true);
    }

    public static DropletCheck failed(String droplet, String... addresses) {
        return new DropletCheck(droplet, List.of(addresses), false);
    }
}
