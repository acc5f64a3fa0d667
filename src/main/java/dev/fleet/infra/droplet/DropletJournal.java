package dev.fleet.infra.droplet;

import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.observed.UnreachableReason;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A droplet's rollout journal, in the SSH user's {@code ~/.fleet/SERVICE/}: {@code intent}, the
 * step an apply is about to perform there (replaced atomically before each step, removed when the
 * droplet's turn ends), and {@code journal}, every intent and end appended for the record (its
 * last 2,000 lines kept).
 *
 * <p>Kept on the droplet, not where fleet runs, so that whichever machine runs the next apply (a
 * laptop after CI died) learns it from the droplet itself. Words reach the droplet's shell from a
 * restricted alphabet ({@link DropletLedger#safe}), never as text it could interpret.
 */
final class DropletJournal {

    private static final String SCRIPT = """
            set -eu
            op=$1; service=$2; shift 2
            dir="${HOME:-/tmp}/.fleet/$service"
            case "$op" in
              intend)
                mkdir -p "$dir"
                line="$* at=$(date +%s)"
                printf '%s\\n' "$line" > "$dir/intent.new"
                mv "$dir/intent.new" "$dir/intent"
                printf '%s\\n' "$line" >> "$dir/journal" ;;
              end)
                if [ -f "$dir/intent" ]; then
                  printf '%s at=%s\\n' "$*" "$(date +%s)" >> "$dir/journal"
                  rm -f "$dir/intent"
                  if [ "$(wc -l < "$dir/journal")" -gt 4000 ]; then
                    tail -n 2000 "$dir/journal" > "$dir/journal.new" && mv "$dir/journal.new" "$dir/journal"
                  fi
                fi ;;
              read)
                if [ -f "$dir/intent" ]; then cat "$dir/intent"; fi ;;
              *) echo "unknown operation $op" >&2; exit 64 ;;
            esac
            """;

    private final SshConnection ssh;
    private final String service;

    DropletJournal(SshConnection ssh, String service) {
        this.ssh = ssh;
        this.service = DropletLedger.safe(service);
    }

    /** Replaces the droplet's intent with {@code intent} (its time is the droplet's) and appends it to the journal. */
    void intend(RolloutIntent intent) throws DropletException {
        run("intend", List.of(
                "run=" + DropletLedger.safe(intent.run()),
                "step=" + DropletLedger.safe(intent.step()),
                "phase=" + DropletLedger.safe(intent.phase()),
                "to=" + DropletLedger.safe(intent.toDigest()),
                "from=" + DropletLedger.safe(intent.fromImage().orElse("")),
                "from-digest=" + DropletLedger.safe(intent.fromDigest().orElse(""))));
    }

    /** Ends the droplet's turn in run {@code run}: the intent is removed, the end journaled. */
    void end(String run, String result) throws DropletException {
        run("end", List.of("run=" + DropletLedger.safe(run), "end=" + DropletLedger.safe(result)));
    }

    /** The intent an apply left on the droplet, if any. */
    Optional<RolloutIntent> read() throws DropletException {
        String line = run("read", List.of()).strip();
        return line.isEmpty() ? Optional.empty() : parse(line);
    }

    /** An intent line as written by {@link #intend}; empty for a line fleet did not write. */
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

    private String run(String op, List<String> words) throws DropletException {
        String command = "sh -s -- " + op + " " + service + (words.isEmpty() ? "" : " " + String.join(" ", words));
        SshConnection.CommandResult result = ssh.run(command, SCRIPT);
        if (result.exitStatus() != 0) {
            throw new DropletException(UnreachableReason.OTHER, "the rollout journal in ~/.fleet/" + service + " could not be " + (op.equals("read") ? "read" : "written")
                    + " (exit " + result.exitStatus() + "): " + result.stderr().strip());
        }
        return result.stdout();
    }
}
