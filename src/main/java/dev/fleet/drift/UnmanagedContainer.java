package dev.fleet.drift;

import java.util.Optional;

/**
 * A container that claims the service (it carries fleet's service label) but is not the service's
 * container: a leftover of a manual fix, a half-finished deploy, a copy started by hand. It may
 * hold the service's ports or take traffic, so it is reported, never silently ignored. Or a
 * container of this fleet whose service the state no longer runs on its droplet: {@code leftoverOf}
 * names that service, and {@code fleet apply --prune} removes it.
 */
public record UnmanagedContainer(String id, String name, Optional<String> digest, String state,
        Optional<String> leftoverOf) {

    /** A container that claims the fronted service. */
    public UnmanagedContainer(String id, String name, Optional<String> digest, String state) {
        this(id, name, digest, state, Optional.empty());
    }
}
