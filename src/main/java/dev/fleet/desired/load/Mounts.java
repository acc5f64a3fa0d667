package dev.fleet.desired.load;

import dev.fleet.desired.VolumeMount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code service.volumes}, in the subset of {@code docker run -v} fleet supports:
 * {@code source:target[:ro|:rw]}, the source a named volume or an absolute path on the droplet, the
 * target an absolute path in the container; and the path rules {@code working-dir} shares.
 */
final class Mounts {

    /** Docker's rule for volume names (at least two characters). */
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final String VOLUME_HINT = "mount a named volume (\"demo-data:/var/lib/demo\") or an absolute"
            + " path on the droplet (\"/etc/demo:/etc/demo:ro\"); add :ro to mount it read-only";

    private Mounts() {}

    /** Volumes as {@code source:target[:ro|:rw]}, no container path mounted twice. */
    static Optional<List<VolumeMount>> volumes(Field field) {
        return field.list().flatMap(elements -> {
            List<VolumeMount> volumes = new ArrayList<>();
            Map<String, Field> targets = new HashMap<>();
            boolean valid = true;
            for (Field element : elements) {
                Optional<VolumeMount> volume = element.text().flatMap(text -> volume(text, element));
                if (volume.isEmpty()) {
                    valid = false;
                    continue;
                }
                Field first = targets.putIfAbsent(volume.get().target(), element);
                if (first != null) {
                    element.problem(volume.get().target() + " is already mounted by " + first.path() + " (line "
                            + (first.mark().getLine() + 1) + ")",
                            "a container path can be mounted once; remove one of them");
                    valid = false;
                }
                volumes.add(volume.get());
            }
            return valid ? Optional.of(volumes) : Optional.empty();
        });
    }

    private static Optional<VolumeMount> volume(String text, Field field) {
        String[] parts = text.split(":", -1);
        if (parts.length == 1 && text.startsWith("/")) {
            field.problem(Text.quote(text) + " names no source: anonymous volumes are not supported",
                    "Docker would make a new empty volume for every container fleet starts; name a volume"
                            + " (\"demo-data:" + text + "\"), which outlives the container, or a droplet path");
            return Optional.empty();
        }
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            field.problem(Text.quote(text) + " is not source:target[:ro|:rw]", VOLUME_HINT);
            return Optional.empty();
        }
        String source = parts[0];
        String target = parts[1];
        boolean readOnly = false;
        if (parts.length == 3) {
            if (!parts[2].equals("ro") && !parts[2].equals("rw")) {
                field.problem(Text.quote(text) + ": the mode must be ro or rw, not " + Text.quote(parts[2]),
                        "ro mounts it read-only; rw, the default, read-write");
                return Optional.empty();
            }
            readOnly = parts[2].equals("ro");
        }
        String where = Text.quote(text) + ": the source " + Text.quote(source);
        boolean valid;
        if (source.startsWith("/")) {
            valid = plainPath(source, field, where);
        } else if (source.startsWith("~") || source.startsWith(".") || source.contains("/")) {
            field.problem(where + " is " + (source.startsWith("~") ? "not an absolute path (~ is not expanded)"
                    : "a relative path"), "bind mounts must be absolute paths on the droplet, such as /srv/demo/data;"
                            + " a name without '/' is a named volume");
            valid = false;
        } else if (!VOLUME_NAME.matcher(source).matches()) {
            field.problem(where + " is neither a volume name nor an absolute path",
                    "a volume name is letters, digits, '_', '.' and '-', starting with a letter or digit, at least"
                            + " 2 characters; a bind mount is an absolute path on the droplet");
            valid = false;
        } else {
            valid = true;
        }
        String targetWhere = Text.quote(text) + ": the target " + Text.quote(target);
        if (!target.startsWith("/")) {
            field.problem(targetWhere + " is not an absolute path", "the path inside the container, starting with"
                    + " '/', such as /var/lib/demo");
            valid = false;
        } else if (target.equals("/")) {
            field.problem(targetWhere + " is the container's root, which Docker cannot mount over",
                    "mount a folder inside the container, such as /var/lib/demo");
            valid = false;
        } else {
            valid &= plainPath(target, field, targetWhere);
        }
        return valid ? Optional.of(new VolumeMount(source, target, readOnly)) : Optional.empty();
    }

    /**
     * Whether the absolute {@code path} is written plainly: no control character, no ':', no
     * {@code ..} segment, and as Docker would clean it (no {@code //}, {@code /./} or trailing '/'),
     * so that what runs compares equal to what is written. Otherwise a problem: {@code where} and why.
     */
    static boolean plainPath(String path, Field field, String where) {
        if (path.codePoints().anyMatch(Character::isISOControl)) {
            field.problem(where + " contains a control character (a line break, a NUL...)",
                    "write the path on one line, of printable characters");
            return false;
        }
        if (path.indexOf(':') >= 0) {
            field.problem(where + " contains ':', which Docker reads as a separator", "choose a path without ':'");
            return false;
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals("..")) {
                field.problem(where + " has a \"..\" segment",
                        "write the path without \"..\", as the folder it means");
                return false;
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        String clean = "/" + String.join("/", segments);
        if (!clean.equals(path)) {
            field.problem(where + " is not written plainly", "write " + clean + ": Docker cleans the path, and fleet"
                    + " compares what runs with what is written");
            return false;
        }
        return true;
    }
}
