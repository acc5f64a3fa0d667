package dev.fleet.desired.pin;

import dev.fleet.desired.ImageRef;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image as a person names it on the command line, {@code [registry/]repository:tag} or
 * {@code [registry/]repository@sha256:...}, with where its registry's API finds it. Docker's rules
 * apply: the first component is a registry when it has a dot or a port or is {@code localhost};
 * otherwise the image is on Docker Hub, whose API lives at {@value #DOCKER_HUB_API} and puts
 * single-name images under {@code library/}.
 *
 * @param written    the repository as written, without tag or digest: what the state file gets
 * @param registry   the host[:port] whose {@code /v2/} API serves the repository
 * @param path       the repository's name at that registry ({@code library/nginx} for {@code nginx})
 * @param tag        the tag, when the image was named by tag
 * @param digest     the digest, when the image was named by digest (then there is no tag)
 */
public record ImageName(String written, String registry, String path, Optional<String> tag, Optional<String> digest) {

    public static final String DOCKER_HUB_API = "registry-1.docker.io";

    private static final Pattern REGISTRY = Pattern.compile("(localhost|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](:[0-9]{1,5})?");
    /** A path component of a repository name, as Docker's reference grammar has it. */
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final String HINT = "name it as registry.example.com/team/app:v2 (a tag) or"
            + " registry.example.com/team/app@sha256:<64 hex digits> (a digest)";

    /**
     * The image {@code text} names.
     *
     * @throws ImagePinException with reason {@code BAD_IMAGE}, saying what is wrong and how to write it
     */
    public static ImageName parse(String text) throws ImagePinException {
        if (text.isEmpty() || text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw bad("'" + text.strip() + "' is empty or contains whitespace");
        }
        int at = text.indexOf('@');
        String name = at < 0 ? text : text.substring(0, at);
        int colon = name.lastIndexOf(':');
        Optional<String> tag = colon > name.lastIndexOf('/') ? Optional.of(name.substring(colon + 1)) : Optional.empty();
        String written = tag.map(t -> name.substring(0, colon)).orElse(name);
        Optional<String> digest = at < 0 ? Optional.empty() : Optional.of(text.substring(at + 1));
        if (tag.isPresent() && digest.isPresent()) {
            throw bad("'" + text + "' has both a tag and a digest; give one: the tag to resolve it, or the digest");
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            throw bad("'" + text + "' has neither a tag nor a digest; fleet does not assume :latest, which moves"
                    + " with every push");
        }
        if (tag.isPresent() && !TAG.matcher(tag.get()).matches()) {
            throw bad("':" + tag.get() + "' is not a valid tag (letters, digits, _ . -, at most 128, not starting"
                    + " with . or -)");
        }
        if (digest.isPresent() && !ImageRef.DIGEST.matcher(digest.get()).matches()) {
            throw bad("'" + digest.get() + "' is not a digest: sha256: followed by 64 lowercase hex digits");
        }
        String[] parts = written.split("/", -1);
        boolean hasRegistry = parts.length > 1
                && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"));
        if (hasRegistry && !REGISTRY.matcher(parts[0]).matches()) {
            throw bad("'" + parts[0] + "' is not a registry host[:port]");
        }
        String path = hasRegistry ? written.substring(parts[0].length() + 1) : written;
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw bad("'" + written + "' is not a valid repository name"
                        + (component.equals(component.toLowerCase(Locale.ROOT)) ? "" : "; repository names are lowercase"));
            }
        }
        String registry = hasRegistry ? parts[0] : DOCKER_HUB_API;
        if (isDockerHub(registry) && !path.contains("/")) {
            path = "library/" + path;
        }
        return new ImageName(written, isDockerHub(registry) ? DOCKER_HUB_API : registry, path, tag, digest);
    }

    /** The reference the state file gets: the repository as written, at {@code digest}. */
    public ImageRef at(String digest) {
        return new ImageRef(written, digest);
    }

    /** Whether credentials for {@code server} (the state's {@code registry.server}) apply to this image. */
    public boolean isServedBy(String server) {
        return server.equalsIgnoreCase(registry) || isDockerHub(server) && isDockerHub(registry);
    }

    /** As the user gave it: {@code repository:tag} or {@code repository@digest}. */
    @Override
    public String toString() {
        return written + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }

    private static boolean isDockerHub(String host) {
        return host.equals("docker.io") || host.equals("index.docker.io") || host.equals(DOCKER_HUB_API);
    }

    private static ImagePinException bad(String message) {
        return new ImagePinException(ImagePinException.Reason.BAD_IMAGE, message, HINT);
    }
}
