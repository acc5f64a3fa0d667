package dev.fleet.infra.droplet.journal;

import dev.fleet.desired.Durations;
import dev.fleet.infra.droplet.ledger.LeaseLine;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.ShellWords;
import dev.fleet.infra.ssh.SshChannel;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Writes a droplet's rollout journal ({@link DropletJournal}'s files) through one {@code sh} kept
 * running on the droplet for the whole apply: each write is a line sent and {@code ok} read back
 * once the file is renamed into place (the journal keeps its last 2,000 to 4,000 lines), one
 * round trip on an open channel, where a command of its
 * own would cost a new channel, a login shell and a few processes (about 100 ms on a busy droplet,
 * before each of a rollout's steps).
 *
 * <p>The script reaches the droplet base64-encoded in the command line, so its stdin carries only
 * the lines, and the lines hold only words of {@link DropletLedger#safe}'s alphabet. Not
 * thread-safe: one apply writes one droplet's journal from one thread.
 */
public final class JournalWriter implements AutoCloseable {

    private static final String SCRIPT = """
            set -f
            dir="${HOME:-/tmp}/.fleet/$1"
            mkdir -p "$dir" 2>/dev/null && exec 9>>"$dir/lock" || { echo "cannot create $dir"; exit 1; }
            echo ready
            # The fence: an intent (and so the step after it) only from the run this droplet's lease names,
            # before it lapses, checked under the lock that every change of the lease takes.
            fence() {
              run=${1%% *}; run=${run#run=}; held=""; expires=0
              for word in $(head -c @LEASE_BYTES@ "$dir/lease" 2>/dev/null); do
                case "$word" in run=*) held=${word#run=} ;; expires=*) expires=${word#expires=} ;; esac
              done
              case "$expires" in ''|*[!0-9]*) expires=0 ;; esac
              now=$(date +%s)
              if [ -z "$held" ]; then echo "refused: this droplet holds no apply lease for run $run"; return 1; fi
              if [ "$held" != "$run" ]; then echo "refused: this droplet's apply lease is run $held's, not run $run's"; return 1; fi
              if [ "$expires" -le "$now" ]; then echo "refused: run $run's apply lease on this droplet lapsed $((now - expires))s ago"; return 1; fi
            }
            while IFS= read -r line; do
              case "$line" in
                "intend "*)
                  l=${line#intend }
                  if ! flock -w 10 9; then echo "the lock $dir/lock stayed busy for 10s"; continue; fi
                  if fence "$l"; then
                    if printf '%s\\n' "$l" > "$dir/intent.new" 2>/dev/null && mv "$dir/intent.new" "$dir/intent" 2>/dev/null \\
                        && printf '%s\\n' "$l" >> "$dir/journal" 2>/dev/null; then echo ok; else echo "cannot write $dir/intent"; fi
                  fi
                  flock -u 9 ;;
                "end "*)
                  l=${line#end }
                  if [ -f "$dir/intent" ]; then printf '%s\\n' "$l" >> "$dir/journal" 2>/dev/null; rm -f "$dir/intent"; fi
                  if [ "$(wc -l < "$dir/journal")" -gt 4000 ]; then
                    tail -n 2000 "$dir/journal" > "$dir/journal.new" && mv "$dir/journal.new" "$dir/journal"
                  fi 2>/dev/null
                  echo ok ;;
                *) echo "unknown request" ;;
              esac
            done
            """.replace("@LEASE_BYTES@", String.valueOf(LeaseLine.MAX_BYTES));

    /** The longest answer read: the script's are a word, or a sentence naming a path. */
    private static final int ANSWER_LIMIT = 4096;

    private final SshChannel channel;
    private final OutputStream requests;
    private final Duration timeout;
    private final String where;

    private JournalWriter(SshChannel channel, Duration timeout, String where) {
        this.channel = channel;
        this.requests = channel.output();
        this.timeout = timeout;
        this.where = where;
    }

    /** Starts the writer for {@code service}'s journal on the droplet, and waits until it is ready. */
    public static JournalWriter open(SshConnection ssh, String service, Duration timeout) throws DropletException {
        String encoded = Base64.getEncoder().encodeToString(SCRIPT.getBytes(StandardCharsets.UTF_8));
        SshChannel channel = ssh.exec("sh -c \"$(printf %s " + encoded + " | base64 -d)\" fleet-journal "
                + ShellWords.safe(service));
        JournalWriter writer = new JournalWriter(channel, timeout, ssh.address() + ":~/.fleet/" + ShellWords.safe(service));
        try {
            writer.expect("ready");
        } catch (DropletException e) {
            writer.close();
            throw e;
        }
        return writer;
    }

    /** Replaces the intent with {@code line} and appends it to the journal; returns once both are written. */
    public void intend(String line) throws DropletException {
        request("intend " + line);
    }

    /** Appends {@code line} to the journal and removes the intent, if there is one. */
    public void end(String line) throws DropletException {
        request("end " + line);
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    private void request(String line) throws DropletException {
        try {
            requests.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            requests.flush();
        } catch (IOException e) {
            throw new DropletException(UnreachableReason.TIMEOUT, "the rollout journal at " + where
                    + " could not be written: " + e.getMessage(), e);
        }
        expect("ok");
    }

    private void expect(String wanted) throws DropletException {
        String answer;
        try {
            // The whole answer within the timeout, however its bytes trickle: each of a rollout's steps waits for it.
            answer = channel.readLine(ANSWER_LIMIT, timeout);
        } catch (InterruptedIOException e) {
            throw new DropletException(UnreachableReason.TIMEOUT, "the rollout journal at " + where
                    + " did not answer within " + Durations.timeout(timeout), e);
        } catch (IOException e) {
            throw new DropletException(UnreachableReason.TIMEOUT, "the rollout journal at " + where
                    + " stopped answering: " + e.getMessage(), e);
        }
        if (answer == null) {
            throw new DropletException(UnreachableReason.TIMEOUT, "the rollout journal at " + where
                    + " stopped answering (its channel closed)");
        }
        if (!answer.equals(wanted)) {
            throw new DropletException(UnreachableReason.OTHER, "the rollout journal at " + where + ": " + answer);
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
