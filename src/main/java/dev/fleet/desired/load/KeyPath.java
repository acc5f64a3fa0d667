package dev.fleet.desired.load;

import java.util.regex.Pattern;

/** Key paths as messages show them: {@code droplets[2].port}, {@code service.labels["com.x"]}. */
final class KeyPath {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private KeyPath() {}

    static String child(String parent, String key) {
        // Keys with dots or spaces are quoted, so the path still reads as one path.
        String segment = PLAIN_KEY.matcher(key).matches() ? key : "[" + Text.quote(key) + "]";
        if (parent.isEmpty()) {
            return segment;
        }
        return segment.startsWith("[") ? parent + segment : parent + "." + segment;
    }

    static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
