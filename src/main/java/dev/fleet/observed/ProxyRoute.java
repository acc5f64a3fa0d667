package dev.fleet.observed;

import java.util.Optional;

/**
 * Where a droplet's proxy sends the service's requests, as the proxy itself answers (fleet's check
 * server reports the upstream address nginx used): the truth a blue-green rollout goes by, rather
 * than what a configuration file on disk says.
 *
 * @param container the colour container published on that address, or empty when it is none of them
 * @param answered  whether that container answered through the proxy (nginx did not say 502 or 504)
 * @param detail    what was seen, in words for a report ("nginx sends to 127.0.0.1:49154 (demo-green)")
 */
public record ProxyRoute(Optional<String> container, boolean answered, String detail) {

    /** The route goes to {@code container}, which answered. */
    public boolean servedBy(String container) {
        return answered && this.container.filter(container::equals).isPresent();
    }
}
