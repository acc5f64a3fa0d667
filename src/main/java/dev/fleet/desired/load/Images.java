package dev.fleet.desired.load;

import dev.fleet.desired.ImageRef;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads image references, by digest only: {@code [registry/]repository@sha256:<64 hex>}. A tag is
 * refused, not resolved: a tag names whatever was pushed last, so it cannot say what must run.
 */
final class Images {

    private static final Pattern REGISTRY =
            Pattern.compile("(localhost|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                    + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?");
    /** A path component of a repository name, as Docker's reference grammar has it. */
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    private Images() {}

    static Optional<ImageRef> read(Field field) {
        return field.text().flatMap(text -> parse(text, field));
    }

    private static Optional<ImageRef> parse(String text, Field field) {
        if (text.chars().anyMatch(Character::isWhitespace)) {
            field.problem(Text.quote(text) + " contains whitespace; an image reference has none");
            return Optional.empty();
        }
        int at = text.indexOf('@');
        String name = at < 0 ? text : text.substring(0, at);
        Optional<String> tag = tagOf(name);
        String repository = tag.map(t -> name.substring(0, name.length() - t.length() - 1)).orElse(name);
        if (at < 0) {
            String how = howToFindTheDigest(name, repository);
            if (tag.isPresent()) {
                String moving = tag.get().equals("latest") ? " ('latest' moves with every push)" : "";
                field.problem(Text.quote(text) + " is pinned by tag, not by digest" + moving, how);
            } else {
                field.problem(Text.quote(text) + " has no digest; fleet runs images by digest only", how);
            }
            return Optional.empty();
        }
        if (tag.isPresent()) {
            field.problem(Text.quote(text) + " has both a tag and a digest",
                    "remove ':" + tag.get() + "': Docker ignores the tag when there is a digest, so it only misleads");
            return Optional.empty();
        }
        if (!validRepository(repository, field)) {
            return Optional.empty();
        }
        return digest(text.substring(at + 1), text, field).map(digest -> new ImageRef(repository, digest));
    }

    private static Optional<String> digest(String digest, String text, Field field) {
        if (!digest.startsWith("sha256:")) {
            field.problem(Text.quote(text) + ": the digest must be sha256:<64 hex digits>",
                    "Docker shows image digests as sha256:...; copy the whole digest after the '@'");
            return Optional.empty();
        }
        String hex = digest.substring("sha256:".length());
        if (!HEX.matcher(hex).matches()) {
            field.problem(Text.quote(text) + ": the digest is not hexadecimal",
                    "a sha256 digest is 64 hex digits (0-9, a-f) after sha256:");
            return Optional.empty();
        }
        if (hex.length() != 64) {
            field.problem(Text.quote(text) + ": the digest has " + hex.length() + " hex digits; a sha256 digest has 64",
                    "copy the whole digest, not the short form Docker shows in some listings");
            return Optional.empty();
        }
        if (!hex.equals(hex.toLowerCase(Locale.ROOT))) {
            field.problem(Text.quote(text) + ": the digest has uppercase hex digits; digests are lowercase",
                    "write sha256:" + hex.toLowerCase(Locale.ROOT));
            return Optional.empty();
        }
        return Optional.of(digest);
    }

    private static boolean validRepository(String repository, Field field) {
        String[] parts = repository.split("/", -1);
        int first = 0;
        // Docker's rule: the first component is a registry when it has a dot or a port, or is localhost.
        if (parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))) {
            if (!REGISTRY.matcher(parts[0]).matches()) {
                field.problem(Text.quote(parts[0]) + " is not a registry host[:port]");
                return false;
            }
            first = 1;
        }
        for (int i = first; i < parts.length; i++) {
            if (!COMPONENT.matcher(parts[i]).matches()) {
                boolean uppercase = !parts[i].equals(parts[i].toLowerCase(Locale.ROOT));
                field.problem(Text.quote(repository) + " is not a valid repository name"
                        + (uppercase ? "; repository names are lowercase" : ""),
                        "use lowercase letters, digits and . _ - between them, components separated by /,"
                                + " the registry first: registry.example.com:5000/team/app");
                return false;
            }
        }
        return true;
    }

    /** The tag of {@code name[:tag]}: a colon after the last slash (a colon before it is a registry port). */
    private static Optional<String> tagOf(String name) {
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? Optional.of(name.substring(colon + 1)) : Optional.empty();
    }

    private static String howToFindTheDigest(String name, String repository) {
        return "find its digest with: docker buildx imagetools inspect " + name + " (the Digest: line),"
                + " or after a pull: docker inspect --format '{{index .RepoDigests 0}}' " + name
                + "; then write " + repository + "@sha256:<64 hex digits>";
    }
}
