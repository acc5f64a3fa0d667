package dev.fleet.observed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container gets from its image unless told otherwise, as the droplet's engine says: a
 * container that shows these was not changed by anyone, so they are never drift.
 *
 * @param environment the image's {@code ENV}, name to value
 * @param command     its {@code CMD}
 * @param entrypoint  its {@code ENTRYPOINT}
 * @param user        its {@code USER} ("" for none)
 * @param workingDir  its {@code WORKDIR} ("" for none)
 * @param stopSignal  its {@code STOPSIGNAL} ("" for none)
 * @param labels      its {@code LABEL}s, which Docker copies onto every container made from it
 */
public record ImageDefaults(Map<String, String> environment, List<String> command, List<String> entrypoint,
        String user, String workingDir, String stopSignal, Map<String, String> labels) {

    /** An image that sets nothing (or one that could not be read). */
    public static final ImageDefaults NONE = new ImageDefaults(Map.of(), List.of(), List.of(), "", "", "", Map.of());

    public ImageDefaults {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        command = List.copyOf(command);
        entrypoint = List.copyOf(entrypoint);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
