package dev.fleet.desired.pin;

import dev.fleet.desired.RegistryCredentials;
import java.util.Optional;

/** Finds the digest a tag names now, from the image's registry. */
public interface DigestResolver {

    /**
     * The digest of the manifest {@code image}'s tag names at its registry: for a multi-platform tag,
     * the digest of its index (manifest list), from which each droplet's Docker pulls its own platform.
     *
     * <p>Contract: reads only; every network exchange ends within a deadline and reads a bounded
     * answer. Sends {@code login} only to the image's registry and its token service, and never over
     * plain http to another machine unless {@code allowPlainHttp}. No message holds the password or a
     * token.
     *
     * @param image          an image named by tag
     * @param login          the credentials for the image's registry, if the state has them
     * @param allowPlainHttp whether plain http to a registry that is not this machine is allowed
     * @throws ImagePinException when there is no digest to be had, saying why and what to do
     */
    String digestOf(ImageName image, Optional<RegistryCredentials> login, boolean allowPlainHttp)
            throws ImagePinException, InterruptedException;
}
