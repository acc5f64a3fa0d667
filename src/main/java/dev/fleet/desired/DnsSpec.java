package dev.fleet.desired;

import java.net.URI;
import java.time.Duration;

/**
 * The round-robin DNS name in front of the droplets, which {@code fleet dns-watch} keeps in step
 * with their health and which a {@code balancer: kind: dns} rollout drains through.
 *
 * @param provider   whose API holds the name's records
 * @param name       the name whose A and AAAA records are the droplets' addresses
 * @param api        the provider's API base URL: PowerDNS's from the state; Cloudflare's own, or the
 *                   one {@code FLEET_CLOUDFLARE_API} in fleet's environment names (never the state)
 * @param zone       PowerDNS: the zone (example.com.); Cloudflare: the zone id
 * @param server     PowerDNS: the server id in the API path (localhost); unused by Cloudflare
 * @param token      the API key or token, from where the state names
 * @param tokenFrom  where the token came from (an environment variable or a file), for messages
 * @param ttl        the TTL of the records fleet adds; during an apply, how long a drained droplet's
 *                   record may still be cached by resolvers
 * @param interval   the time between two health checks of every droplet
 * @param failures   failed checks in a row that take a droplet's records out
 * @param successes  passed checks in a row that put them back
 * @param checkPort  the port clients use: checked at each droplet's addresses, GET health.path
 */
public record DnsSpec(
        Provider provider,
        String name,
        URI api,
        String zone,
        String server,
        Secret token,
        String tokenFrom,
        Duration ttl,
        Duration interval,
        int failures,
        int successes,
        int checkPort) {

    public enum Provider {
        POWERDNS("powerdns"),
        CLOUDFLARE("cloudflare");

        private final String word;

        Provider(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }
}
