package dev.fleet.desired;

import java.util.Objects;

/**
 * An image on the droplet by its local id ({@code sha256:...}), for a rollback to a container whose
 * image has no registry digest fleet can name. It is on the droplet already: images are never removed.
 *
 * @param id the image id, as Docker reports it
 */
public record LocalImage(String id) implements ImageSource {

    public LocalImage {
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String reference() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
