package dev.fleet.desired;

/**
 * What a container is created from: an image by registry digest, or (a rollback to what a droplet
 * ran before) an image the droplet has locally, by id. Typed down to the one call that hands it to
 * Docker, where {@link #reference()} names it.
 */
public sealed interface ImageSource permits ImageRef, LocalImage {

    /** The image as Docker names it: {@code repository@sha256:...}, or a local image id. */
    String reference();

    /**
     * The image a reference names, as fleet wrote it earlier in a droplet's journal: {@code
     * repository@sha256:<64 hex>} is an {@link ImageRef}, anything else a local image id.
     */
    static ImageSource fromReference(String reference) {
        int at = reference.lastIndexOf('@');
        if (at > 0) {
            String digest = reference.substring(at + 1);
            if (ImageRef.DIGEST.matcher(digest).matches()) {
                return new ImageRef(reference.substring(0, at), digest);
            }
        }
        return new LocalImage(reference);
    }
}
