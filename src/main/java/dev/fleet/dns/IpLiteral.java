package dev.fleet.dns;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals in one canonical text, so that two spellings of an address compare equal:
 * IPv4 as four decimal numbers without leading zeros, IPv6 as RFC 5952 puts it (lowercase, no
 * leading zeros, the longest run of two or more zero groups as {@code ::}). Parsed by hand: {@code
 * InetAddress.getByName} would look a name up in DNS when the text is not a literal. Public for the
 * state loader, which checks addresses with it too.
 */
public final class IpLiteral {

    public enum Family { IPV4, IPV6 }

    /** An address in canonical text, with its family. */
    public record Parsed(Family family, String text) {}

    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private IpLiteral() {}

    /** The address {@code text} is, in canonical text; empty when it is not an IPv4 or IPv6 literal. */
    public static Optional<Parsed> parse(String text) {
        if (text == null || text.length() > 45) {
            return Optional.empty();
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text).map(bytes -> new Parsed(Family.IPV4, text));
        }
        return ipv6(text).map(groups -> new Parsed(Family.IPV6, format(groups)));
    }

    private static Optional<int[]> ipv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.");
        int[] octets = new int[4];
        for (int i = 0; i < 4; i++) {
            octets[i] = Integer.parseInt(parts[i]);
            if (octets[i] > 255) {
                return Optional.empty();
            }
        }
        return Optional.of(octets);
    }

    /** The eight 16-bit groups of an IPv6 literal, or empty when it is not one. */
    private static Optional<int[]> ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return Optional.empty();
        }
        String head = gap >= 0 ? text.substring(0, gap) : text;
        String tail = gap >= 0 ? text.substring(gap + 2) : "";
        Optional<int[]> before = groups(head, gap < 0);
        Optional<int[]> after = gap >= 0 ? groups(tail, true) : Optional.of(new int[0]);
        if (before.isEmpty() || after.isEmpty()) {
            return Optional.empty();
        }
        int given = before.get().length + after.get().length;
        if (gap < 0 ? given != 8 : given > 7) {
            return Optional.empty();
        }
        int[] groups = new int[8];
        System.arraycopy(before.get(), 0, groups, 0, before.get().length);
        System.arraycopy(after.get(), 0, groups, 8 - after.get().length, after.get().length);
        return Optional.of(groups);
    }

    /** Colon-separated groups; the last may be a dotted IPv4 address (two groups) when it ends the text. */
    private static Optional<int[]> groups(String part, boolean endsAddress) {
        if (part.isEmpty()) {
            return Optional.of(new int[0]);
        }
        String[] words = part.split(":", -1);
        int[] groups = new int[words.length + 1];
        int count = 0;
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            if (HEX_GROUP.matcher(word).matches()) {
                groups[count++] = Integer.parseInt(word, 16);
            } else if (endsAddress && i == words.length - 1 && word.indexOf('.') >= 0) {
                Optional<int[]> v4 = ipv4(word);
                if (v4.isEmpty()) {
                    return Optional.empty();
                }
                groups[count++] = v4.get()[0] << 8 | v4.get()[1];
                groups[count++] = v4.get()[2] << 8 | v4.get()[3];
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(Arrays.copyOf(groups, count));
    }

    private static String format(int[] groups) {
        int bestStart = -1;
        int bestLength = 1; // a single zero group is written out (RFC 5952, 4.2.2)
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
