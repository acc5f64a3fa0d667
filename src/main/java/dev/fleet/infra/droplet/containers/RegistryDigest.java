package dev.fleet.infra.droplet.containers;

import dev.fleet.desired.ImageRef;
import java.util.List;
import java.util.Optional;

/**
 * The registry digest of a container's image: what a desired state's {@code repo@sha256:...}
 * compares with. Never the image id, which is the digest of the image's config and differs from the
 * registry's (manifest) digest.
 */
final class RegistryDigest {

    private static final String DOCKER_HUB = "docker.io/";

    private RegistryDigest() {}

    /**
     * The digest a container's image reference pins ({@code repo@sha256:...}), if it pins one: then it
     * is exactly what was pulled and run.
     */
    static Optional<String> pinned(String imageRef) {
        int at = imageRef.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        String digest = imageRef.substring(at + 1);
        return ImageRef.DIGEST.matcher(digest).matches() ? Optional.of(digest) : Optional.empty();
    }

    /**
     * The digest among an image's RepoDigests ({@code repo@sha256:...}) whose repository is the one
     * the container was created from; empty when none is (an image built on the droplet, or pulled
     * from another repository). Another repository's digest is never taken: it names a manifest of
     * that repository, which need not be ours.
     */
    static Optional<String> fromRepoDigests(String imageRef, List<String> repoDigests) {
        String repository = normalize(repository(imageRef));
        for (String repoDigest : repoDigests) {
            int at = repoDigest.lastIndexOf('@');
            if (at > 0 && normalize(repoDigest.substring(0, at)).equals(repository)) {
                String digest = repoDigest.substring(at + 1);
                if (ImageRef.DIGEST.matcher(digest).matches()) {
                    return Optional.of(digest);
                }
            }
        }
        return Optional.empty();
    }

    /** The repository of a reference: without its digest and its tag ({@code host:port/name:tag}). */
    static String repository(String imageRef) {
        String name = imageRef;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            name = name.substring(0, colon);
        }
        return name;
    }

    /**
     * A repository as Docker means it: {@code nginx}, {@code library/nginx} and
     * {@code docker.io/library/nginx} are one repository, since Docker shortens Docker Hub's names.
     */
    static String normalize(String repository) {
        String name = repository.startsWith("index.docker.io/")
                ? DOCKER_HUB + repository.substring("index.docker.io/".length())
                : repository;
        int slash = name.indexOf('/');
        boolean hasRegistry = slash > 0 && isRegistryHost(name.substring(0, slash));
        if (!hasRegistry) {
            name = DOCKER_HUB + name;
        }
        if (name.startsWith(DOCKER_HUB) && name.indexOf('/', DOCKER_HUB.length()) < 0) {
            name = DOCKER_HUB + "library/" + name.substring(DOCKER_HUB.length());
        }
        return name;
    }

    /** Docker's rule: a first component with a dot or a port, or {@code localhost}, names a registry. */
    private static boolean isRegistryHost(String component) {
        return component.contains(".") || component.contains(":") || component.equals("localhost");
    }
}
