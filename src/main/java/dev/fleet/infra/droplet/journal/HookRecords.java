package dev.fleet.infra.droplet.journal;

import dev.fleet.apply.HookMark;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.ShellWords;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.observed.UnreachableReason;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deploy hooks fleet ran for a service on a droplet, in the SSH user's {@code
 * ~/.fleet/SERVICE/hooks}, one line per mark (kept to its last 200 to 400 lines): which hook, for
 * which image digest, by which run, and how far it got. Every word written comes from a restricted
 * alphabet; what the droplet answers is data, each line checked against the one shape fleet writes.
 */
public final class HookRecords {

    private static final String READ = """
            f="${HOME:-/tmp}/.fleet/$1/hooks"
            if [ -f "$f" ]; then grep -F "kind=$2 digest=$3 " "$f" | tail -n 1; fi
            """;

    private static final String WRITE = """
            dir="${HOME:-/tmp}/.fleet/$1"
            f="$dir/hooks"
            mkdir -p "$dir" || exit 1
            printf '%s\\n' "kind=$2 digest=$3 run=$4 state=$5 exit=$6 at=$(date +%s)" >> "$f" || exit 1
            if [ "$(wc -l < "$f")" -gt 400 ]; then tail -n 200 "$f" > "$f.new" && mv "$f.new" "$f"; fi
            sync
            """;

    private static final Pattern KIND = Pattern.compile("pre-deploy|post-deploy");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern LINE = Pattern.compile(
            "kind=(pre-deploy|post-deploy) digest=(sha256:[0-9a-f]{64}) run=([A-Za-z0-9._-]{1,64})"
                    + " state=(started|succeeded|failed) exit=(-?[0-9]{1,5}|none) at=[0-9]{1,12}");

    private final SshConnection ssh;
    private final String service;

    public HookRecords(SshConnection ssh, String service) {
        this.ssh = ssh;
        this.service = ShellWords.safe(service);
    }

    /** The last mark of {@code kind}'s hook for {@code digest}, if the droplet has one. */
    public Optional<HookMark> last(String kind, String digest) throws DropletException {
        check(kind, digest);
        SshConnection.CommandResult result = ssh.run(String.join(" ", "sh -s --", service, kind, digest), READ);
        if (result.exitStatus() != 0) {
            throw new DropletException(UnreachableReason.OTHER, "the record of deploy hooks, ~/.fleet/" + service
                    + "/hooks, could not be read (exit " + result.exitStatus() + "): " + result.stderr().strip());
        }
        return parse(result.stdout().strip());
    }

    /** Appends {@code mark} for {@code kind}'s hook for {@code digest}, durable once this returns. */
    public void mark(String kind, String digest, HookMark mark) throws DropletException {
        check(kind, digest);
        String exit = mark.exitCode().map(String::valueOf).orElse("none");
        SshConnection.CommandResult result = ssh.run(String.join(" ", "sh -s --", service, kind, digest,
                ShellWords.safe(mark.run()), mark.state().name().toLowerCase(Locale.ROOT), exit), WRITE);
        if (result.exitStatus() != 0) {
            throw new DropletException(UnreachableReason.OTHER, "the record of deploy hooks, ~/.fleet/" + service
                    + "/hooks, could not be written (exit " + result.exitStatus() + "): " + result.stderr().strip());
        }
    }

    static Optional<HookMark> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        HookMark.State state = HookMark.State.valueOf(m.group(4).toUpperCase(Locale.ROOT));
        Optional<Integer> exit = m.group(5).equals("none") ? Optional.empty() : Optional.of(Integer.parseInt(m.group(5)));
        return Optional.of(new HookMark(m.group(3), state, exit));
    }

    private static void check(String kind, String digest) {
        if (!KIND.matcher(kind).matches() || !DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a hook kind and digest: " + kind + " " + digest);
        }
    }
}
