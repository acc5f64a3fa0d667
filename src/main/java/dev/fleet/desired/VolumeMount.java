package dev.fleet.desired;

/**
 * A volume the container mounts, as in {@code docker run -v source:target[:ro]}.
 *
 * @param source   a named volume (Docker creates it on first use and keeps it across containers),
 *                 or an absolute path on the droplet (a bind mount, which must exist)
 * @param target   the absolute path inside the container
 * @param readOnly whether the container may only read it
 */
public record VolumeMount(String source, String target, boolean readOnly) {

    /** A bind mount of a droplet path, rather than a named volume. */
    public boolean bind() {
        return source.startsWith("/");
    }

    /** As written in the state: {@code source:target[:ro]}. */
    public String text() {
        return source + ":" + target + (readOnly ? ":ro" : "");
    }
}
