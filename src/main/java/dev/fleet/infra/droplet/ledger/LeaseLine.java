package dev.fleet.infra.droplet.ledger;

import dev.fleet.infra.ssh.ShellWords;
import dev.fleet.rollout.ledger.Lease;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The lease file's one line, as fleet writes it: {@code run=R owner=O commit=C since=S expires=E
 * process=P}, words of {@link ShellWords}'s alphabet and times in seconds since 1970 ({@code process}
 * may be missing: fleets before it did not write it).
 *
 * <p>The droplet's script checks a lease against {@link #SHAPE} before it reads a field of it, so that
 * a line fleet did not write is never taken over nor rewritten; this class reads fleet's lines and
 * says, for the operator, what is wrong with any other.
 */
public final class LeaseLine {

    /** The longest lease line read, in bytes; fleet's own are a few hundred. */
    public static final int MAX_BYTES = 1024;

    private static final String WORD = "[" + ShellWords.ALPHABET + "]+";
    private static final String SECONDS = "[0-9]{1,12}";
    private static final List<String> KEYS = List.of("run", "owner", "commit", "since", "expires", "process");

    /**
     * A whole lease line, as an extended regular expression that Java and a droplet's {@code grep -E}
     * read alike (the script embeds it in single quotes, so it holds none).
     */
    static final String SHAPE = "run=" + WORD + " owner=" + WORD + " commit=" + WORD + " since=" + SECONDS
            + " expires=" + SECONDS + "( process=" + WORD + ")?";

    private static final Pattern LINE = Pattern.compile(SHAPE);
    private static final Pattern WORD_ONLY = Pattern.compile(WORD);
    private static final Pattern SECONDS_ONLY = Pattern.compile(SECONDS);

    /** How long a garbled value may be, quoted in a message. */
    private static final int SHOWN = 40;

    private LeaseLine() {}

    /** What a lease line says. */
    sealed interface Parsed {}

    /** A lease as fleet writes it. */
    record Readable(Lease lease) implements Parsed {}

    /** A line fleet did not write; {@code problem} says what is wrong with it ("its expires is 'soon', ..."). */
    record Garbled(String problem) implements Parsed {}

    static Parsed parse(String line) {
        return parse(line.getBytes(StandardCharsets.UTF_8));
    }

    /** The lease file's bytes, as read on the droplet (at most {@link #MAX_BYTES} and one more). */
    static Parsed parse(byte[] raw) {
        if (raw.length > MAX_BYTES) {
            return new Garbled("it is longer than " + MAX_BYTES + " bytes");
        }
        String line = new String(raw, StandardCharsets.UTF_8);
        if (line.isEmpty()) {
            return new Garbled("it is empty");
        }
        if (line.contains("\n")) {
            return new Garbled("it has more than one line");
        }
        if (!LINE.matcher(line).matches()) {
            return new Garbled(problem(line));
        }
        Map<String, String> fields = new HashMap<>();
        for (String token : line.split(" ")) {
            int eq = token.indexOf('=');
            fields.put(token.substring(0, eq), token.substring(eq + 1));
        }
        return new Readable(new Lease(fields.get("run"), fields.get("owner"), fields.get("commit"),
                Instant.ofEpochSecond(Long.parseLong(fields.get("since"))),
                Instant.ofEpochSecond(Long.parseLong(fields.get("expires"))),
                Optional.ofNullable(fields.get("process")).filter(p -> !p.equals("-"))));
    }

    /** The first thing wrong with a line that does not have {@link #SHAPE}, in the order a reader would look. */
    private static String problem(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String token : line.split(" ", -1)) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                return token.isEmpty() ? "its fields are not separated by single spaces"
                        : "'" + shown(token) + "' is no field of a lease (key=value)";
            }
            String key = token.substring(0, eq);
            if (!KEYS.contains(key)) {
                return "it has a field fleet does not write, '" + shown(key) + "'";
            }
            if (fields.put(key, token.substring(eq + 1)) != null) {
                return "it has two " + key + " fields";
            }
        }
        for (String key : KEYS) {
            String value = fields.get(key);
            if (value == null) {
                if (!key.equals("process")) {
                    return "it has no " + key + " field";
                }
            } else if (key.equals("since") || key.equals("expires")) {
                if (!SECONDS_ONLY.matcher(value).matches()) {
                    return "its " + key + " is '" + shown(value) + "', not a time in seconds since 1970";
                }
            } else if (!WORD_ONLY.matcher(value).matches()) {
                return "its " + key + " is '" + shown(value) + "', with characters fleet never writes there";
            }
        }
        return "its fields are not in fleet's order (" + String.join(", ", KEYS) + ")";
    }

    private static String shown(String value) {
        return value.length() <= SHOWN ? value : value.substring(0, SHOWN) + "...";
    }
}
