package dev.fleet.desired.load;

/** Small text helpers for messages. */
final class Text {

    private static final int LONGEST_QUOTE = 160;

    private Text() {}

    /**
     * A value as a message quotes it: in double quotes, control characters escaped, cut when long.
     * Never call it with a secret.
     */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        value.codePoints().limit(LONGEST_QUOTE).forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        if (value.codePointCount(0, value.length()) > LONGEST_QUOTE) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
