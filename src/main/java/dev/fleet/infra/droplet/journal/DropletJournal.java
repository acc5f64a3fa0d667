package dev.fleet.infra.droplet.journal;

import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.ShellWords;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.observed.UnreachableReason;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A droplet's rollout journal, in the SSH user's {@code ~/.fleet/SERVICE/}: {@code intent}, the
 * step an apply is about to perform there (replaced atomically before each step, removed when the
 * droplet's turn ends), and {@code journal}, every intent and end appended for the record. The
 * lines are written by a {@link JournalWriter}; this reads the intent back and says what a line is.
 *
 * <p>Kept on the droplet, not where fleet runs, so that whichever machine runs the next apply (a
 * laptop after CI died) learns it from the droplet itself. Words reach the droplet's shell from a
 * restricted alphabet ({@link DropletLedger#safe}), never as text it could interpret.
 */
public final class DropletJournal {

    private static final String READ = """
            f="${HOME:-/tmp}/.fleet/$1/intent"
            if [ -f "$f" ]; then cat "$f"; fi
            """;

    private final SshConnection ssh;
    private final String service;

    public DropletJournal(SshConnection ssh, String service) {
        this.ssh = ssh;
        this.service = ShellWords.safe(service);
    }

    /** The line that records {@code intent}. */
    public static String line(RolloutIntent intent) {
        return String.join(" ",
                "run=" + ShellWords.safe(intent.run()),
                "step=" + ShellWords.safe(intent.step()),
                "phase=" + ShellWords.safe(intent.phase()),
                "to=" + ShellWords.safe(intent.toDigest()),
                "from=" + ShellWords.safe(intent.fromImage().orElse("")),
                "from-digest=" + ShellWords.safe(intent.fromDigest().orElse("")),
                "at=" + intent.at().getEpochSecond());
    }

    /** The line that ends a droplet's turn in {@code run}. */
    public static String endLine(String run, String result, Instant at) {
        return "run=" + ShellWords.safe(run) + " end=" + ShellWords.safe(result) + " at=" + at.getEpochSecond();
    }

    /** The intent an apply left on the droplet, if any. */
    public Optional<RolloutIntent> read() throws DropletException {
        SshConnection.CommandResult result = ssh.run("sh -s -- " + service, READ);
        if (result.exitStatus() != 0) {
            throw new DropletException(UnreachableReason.OTHER, "the rollout journal in ~/.fleet/" + service
                    + " could not be read (exit " + result.exitStatus() + "): " + result.stderr().strip());
        }
        String line = result.stdout().strip();
        return line.isEmpty() ? Optional.empty() : parse(line);
    }

    /** An intent line as written by {@link #line}; empty for a line fleet did not write. */
    static Optional<RolloutIntent> parse(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String token : line.strip().split(" ")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        if (!fields.containsKey("run") || !fields.containsKey("to") || !fields.containsKey("step")) {
            return Optional.empty();
        }
        Instant at;
        try {
            at = Instant.ofEpochSecond(Long.parseLong(fields.getOrDefault("at", "0")));
        } catch (NumberFormatException e) {
            at = Instant.EPOCH;
        }
        return Optional.of(new RolloutIntent(fields.get("run"), fields.get("step"),
                fields.getOrDefault("phase", RolloutIntent.FORWARD), fields.get("to"), present(fields.get("from")),
                present(fields.get("from-digest")), at));
    }

    private static Optional<String> present(String word) {
        return word == null || word.isEmpty() || word.equals("-") ? Optional.empty() : Optional.of(word);
    }

}
