package dev.fleet.desired;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image by digest: {@code registry/repository@sha256:<64 hex>}. Never a tag: a tag names whatever
 * was pushed last, so two droplets "on :v2" can run different code; a digest cannot drift.
 *
 * @param repository the repository, with its registry host when there is one
 * @param digest     {@code sha256:} followed by 64 lowercase hex digits
 */
public record ImageRef(String repository, String digest) implements ImageSource {

    public static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public ImageRef {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
    }

    /** The first 12 hex digits of the digest, as reports show it. */
    public String shortDigest() {
        return shortForm(digest);
    }

    /** The first 12 hex digits of any {@code sha256:} digest. */
    public static String shortForm(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring("sha256:".length()) : digest;
        return hex.substring(0, Math.min(12, hex.length()));
    }

    /** {@code repository@digest}. */
    @Override
    public String reference() {
        return repository + "@" + digest;
    }

    @Override
    public String toString() {
        return reference();
    }
}
