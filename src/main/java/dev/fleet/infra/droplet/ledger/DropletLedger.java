package dev.fleet.infra.droplet.ledger;

import static dev.fleet.infra.ssh.ShellWords.safe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.desired.ByteCounts;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.infra.droplet.Retry;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.ShellWords;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.rollout.ledger.Acquisition;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.BrokenLease;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.Ledger;
import dev.fleet.rollout.ledger.LockException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One droplet's copy of the fleet's lease and apply history (every droplet keeps one, see
 * {@code QuorumLedger}), in the SSH user's
 * {@code ~/.fleet/SERVICE/}: {@code lease} (one line), {@code history.jsonl} (a JSON line per
 * apply or broken lease) and {@code lock}, which {@code flock} holds around every read-and-write so
 * each operation is atomic however many runners try at once. Times come from the droplet's clock.
 *
 * <p>The script and a history record reach the droplet on the command's stdin, the record after
 * the script, so that no command line carries either (Linux refuses an argument over 128 KiB);
 * arguments are words of a restricted alphabet, never text the shell could interpret.
 */
public final class DropletLedger implements Ledger {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The largest history record fleet writes: one apply's record is a few KiB, unless its failure text runs away. */
    static final int RECORD_LIMIT = 1024 * 1024;

    /** The most of the history read at once: the newest lines asked for that fit. */
    static final int HISTORY_READ_LIMIT = 4 * 1024 * 1024;

    private static final byte[] SCRIPT_BYTES = LedgerScript.TEXT.getBytes(StandardCharsets.UTF_8);
    private static final byte[] NO_INPUT = new byte[0];

    private final DropletConnections connections;
    private final DropletSpec droplet;
    private final SshSettings settings;
    private final String service;
    private final String where;
    private final Retry retry = Retry.sleeping();

    private DropletLedger(DropletConnections connections, DropletSpec droplet, SshSettings settings, String service,
            String where) {
        this.connections = connections;
        this.droplet = droplet;
        this.settings = settings;
        this.service = service;
        this.where = where;
    }

    /** Connects to {@code droplet}, one of the droplets that keep the state's lease and history. */
    public static DropletLedger open(DropletConnections connections, DesiredState state, DropletSpec droplet)
            throws LockException {
        try {
            connections.get(droplet, state.ssh());
            return new DropletLedger(connections, droplet, state.ssh(), safe(state.service().name()),
                    droplet.name() + ":" + folder(state));
        } catch (DropletException e) {
            throw new LockException(droplet.name() + " is unreachable: " + e.getMessage(), e);
        }
    }

    /** The folder that keeps the lease and history on each droplet ({@code ~/.fleet/SERVICE}). */
    public static String folder(DesiredState state) {
        return "~/.fleet/" + safe(state.service().name());
    }

    /** Where the lease and history are, for messages. */
    public String where() {
        return where;
    }

    @Override
    public Acquisition acquire(String run, String owner, String commit, Duration ttl, Optional<String> process,
            Optional<String> goneRun) throws LockException {
        List<String> lines = answered(runRetried("acquire", String.valueOf(ttl.toSeconds()), safe(run), safe(owner),
                safe(commit), safe(process.orElse("")), safe(goneRun.orElse(""))));
        String first = lines.isEmpty() ? "" : lines.getFirst();
        if (first.startsWith("held ")) {
            String[] words = first.split(" ", 3);
            return new Acquisition.Held(lease(words, 2, lines), Instant.ofEpochSecond(number(words, 1, "now", lines)));
        }
        if (!first.startsWith("acquired ")) {
            throw unexpected(lines);
        }
        String[] words = first.split(" ", 4);
        Optional<Lease> expired = Optional.empty();
        for (String line : lines) {
            if (line.startsWith("expired ")) {
                expired = Optional.of(lease(line.split(" ", 2), 1, lines));
            }
        }
        Optional<Duration> quietFor = value(words, 2, "quiet", lines).equals("never")
                ? Optional.of(Duration.ofDays(365 * 100L))
                : Optional.of(Duration.ofSeconds(Math.max(0, number(words, 2, "quiet", lines))));
        return new Acquisition.Acquired(lease(words, 3, lines), expired, quietFor);
    }

    @Override
    public boolean renew(String run, Duration ttl) throws LockException {
        return answered(runRetried("renew", String.valueOf(ttl.toSeconds()), safe(run))).contains("renewed");
    }

    @Override
    public void release(String run) throws LockException {
        answered(runRetried("release", safe(run)));
    }

    @Override
    public Optional<BrokenLease> breakLease(String by) throws LockException {
        List<String> lines = run("break", safe(by));
        for (String line : lines) {
            if (line.startsWith("broken ")) {
                return Optional.of(new BrokenLease.Held(lease(line.split(" ", 3), 2, lines)));
            }
            if (line.startsWith("broken-garbled ")) {
                String[] words = line.split(" ", 3);
                return Optional.of(switch (LeaseLine.parse(decoded(words, 2, lines))) {
                    case LeaseLine.Readable(Lease lease) -> new BrokenLease.Held(lease);
                    case LeaseLine.Garbled(String problem) -> new BrokenLease.Unreadable(problem);
                });
            }
        }
        if (!lines.contains("none")) {
            throw unexpected(lines);
        }
        return Optional.empty();
    }

    @Override
    public void append(ApplyRecord record) throws LockException {
        byte[] json = ApplyRecordJson.toJson(record).toString().getBytes(StandardCharsets.UTF_8);
        if (json.length > RECORD_LIMIT) {
            throw new LockException("the history record of run " + record.run() + " is " + json.length + " bytes, more"
                    + " than the " + ByteCounts.text(RECORD_LIMIT) + " fleet keeps of one apply; it was not written to "
                    + where, null);
        }
        run("record", json, String.valueOf(json.length));
    }

    @Override
    public List<HistoryEntry> recent(int limit) throws LockException {
        // The limit, and room for the first line that says whether it cut.
        List<String> lines = lines("history", retried("history", NO_INPUT, HISTORY_READ_LIMIT + 64,
                String.valueOf(Math.max(1, limit))));
        if (lines.isEmpty() || !(lines.getFirst().equals("whole") || lines.getFirst().equals("cut"))) {
            throw unexpected(lines.subList(0, Math.min(1, lines.size())));
        }
        // Cut to the read limit, the oldest line may be the end of one: dropped.
        int first = lines.getFirst().equals("cut") ? 2 : 1;
        List<HistoryEntry> entries = new ArrayList<>();
        for (String line : lines.subList(Math.min(first, lines.size()), lines.size())) {
            try {
                JsonNode node = JSON.readTree(line);
                if ("lease-broken".equals(node.path("event").asText())) {
                    entries.add(new HistoryEntry.LeaseBroken(Instant.ofEpochSecond(node.path("at").asLong()),
                            node.path("by").asText(), node.path("lease").asText()));
                } else if ("apply".equals(node.path("event").asText())) {
                    entries.add(new HistoryEntry.Apply(ApplyRecordJson.fromJson(node)));
                }
            } catch (IOException | RuntimeException e) {
                // A line fleet did not write, or cut short: skipped, the rest is still history.
            }
        }
        return entries;
    }

    @Override
    public void close() {
        // The connection is the run's (DropletConnections), closed with it.
    }

    /**
     * {@link #run}, again on a new connection if the connection failed under it: for the operations
     * that give the same result when repeated (acquire and renew by the same run, release, reading).
     * Breaking a lease and appending to the history are not repeated.
     */
    private List<String> runRetried(String op, String... args) throws LockException {
        return lines(op, retried(op, NO_INPUT, SshConnection.OUTPUT_LIMIT, args));
    }

    private SshConnection.CommandResult retried(String op, byte[] input, int outputLimit, String... args)
            throws LockException {
        try {
            return retry.call(() -> execute(op, input, outputLimit, args), failure -> connections.discard(droplet, settings));
        } catch (DropletException e) {
            throw new LockException(op + " on " + where + " failed: " + e.getMessage(), e);
        }
    }

    private List<String> run(String op, String... args) throws LockException {
        return run(op, NO_INPUT, args);
    }

    /** Once, not repeated: for what must not happen twice (breaking a lease, appending to the history). */
    private List<String> run(String op, byte[] input, String... args) throws LockException {
        try {
            return lines(op, execute(op, input, SshConnection.OUTPUT_LIMIT, args));
        } catch (DropletException e) {
            throw new LockException(op + " on " + where + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the script's {@code op}. The login shell's {@code head -c} takes exactly the script's bytes
     * from stdin, so what follows them there ({@code input}) stays for the script to read.
     */
    private SshConnection.CommandResult execute(String op, byte[] input, int outputLimit, String... args)
            throws DropletException {
        StringBuilder command = new StringBuilder("sh -c \"$(head -c ").append(SCRIPT_BYTES.length)
                .append(")\" fleet-ledger ").append(op).append(' ').append(service);
        for (String arg : args) {
            command.append(' ').append(arg);
        }
        byte[] stdin = Arrays.copyOf(SCRIPT_BYTES, SCRIPT_BYTES.length + input.length);
        System.arraycopy(input, 0, stdin, SCRIPT_BYTES.length, input.length);
        return connections.get(droplet, settings).ssh().run(command.toString(), stdin, outputLimit);
    }

    private List<String> lines(String op, SshConnection.CommandResult result) throws LockException {
        if (result.exitStatus() != 0) {
            throw new LockException(op + " on " + where + " failed (exit " + result.exitStatus() + "): "
                    + result.stderr().strip(), null);
        }
        return result.stdout().lines().toList();
    }

    /**
     * The droplet's answer to acquire, renew or release, which it gives as {@code garbled BASE64}
     * when the lease is no line of fleet's (and leaves it as it is).
     */
    private List<String> answered(List<String> lines) throws LockException {
        if (!lines.isEmpty() && lines.getFirst().startsWith("garbled ")) {
            String problem = switch (LeaseLine.parse(decoded(lines.getFirst().split(" ", 2), 1, lines))) {
                case LeaseLine.Garbled(String p) -> p;
                case LeaseLine.Readable readable -> "the droplet's check of it disagrees with fleet's";
            };
            throw new LockException("the lease in " + where + " cannot be read (" + problem + "): no apply takes"
                    + " over or renews a lease it cannot read; if no apply is running, `fleet unlock` breaks it", null);
        }
        return lines;
    }

    /** The lease that fills the answer {@code words} from {@code index} on, which the droplet checked. */
    private Lease lease(String[] words, int index, List<String> lines) throws LockException {
        if (words.length <= index) {
            throw unexpected(lines);
        }
        return switch (LeaseLine.parse(words[index])) {
            case LeaseLine.Readable(Lease lease) -> lease;
            case LeaseLine.Garbled(String problem) -> throw new LockException("the droplet answered a lease fleet cannot"
                    + " read from " + where + " (" + problem + "): " + lines, null);
        };
    }

    /** The value of {@code key=VALUE}, the answer's word at {@code index}. */
    private String value(String[] words, int index, String key, List<String> lines) throws LockException {
        if (words.length <= index || !words[index].startsWith(key + "=")) {
            throw unexpected(lines);
        }
        return words[index].substring(key.length() + 1);
    }

    private long number(String[] words, int index, String key, List<String> lines) throws LockException {
        try {
            return Long.parseLong(value(words, index, key, lines));
        } catch (NumberFormatException e) {
            throw unexpected(lines);
        }
    }

    private byte[] decoded(String[] words, int index, List<String> lines) throws LockException {
        try {
            return Base64.getDecoder().decode(words.length > index ? words[index] : "");
        } catch (IllegalArgumentException e) {
            throw unexpected(lines);
        }
    }

    private LockException unexpected(List<String> lines) {
        return new LockException("unexpected answer from " + where + ": " + lines, null);
    }
}
