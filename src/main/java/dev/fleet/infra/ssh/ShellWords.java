package dev.fleet.infra.ssh;

import java.util.regex.Pattern;

/** Words that reach a droplet's shell as arguments: only a safe alphabet, so the shell never interprets them. */
public final class ShellWords {

    /**
     * The safe alphabet, as the inside of a bracket expression that Java's regular expressions and
     * POSIX extended ones ({@code grep -E} on a droplet) read alike.
     */
    public static final String ALPHABET = "A-Za-z0-9@._:+=/-";

    private static final Pattern SAFE = Pattern.compile("[" + ALPHABET + "]+");

    private ShellWords() {}

    /** {@code word} if it is all safe characters, else with each other character replaced by {@code _}; {@code -} for none. */
    public static String safe(String word) {
        if (word == null || word.isEmpty()) {
            return "-";
        }
        return SAFE.matcher(word).matches() ? word : word.replaceAll("[^" + ALPHABET + "]", "_");
    }
}
