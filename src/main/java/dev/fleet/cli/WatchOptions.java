package dev.fleet.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@code fleet watch}'s options: where the state comes from, whether to converge, where to serve and tell. */
final class WatchOptions {

    static final class Source {
        @Option(names = {"-s", "--state"}, paramLabel = "FILE", required = true,
                description = "A desired-state file on this machine, read again each round (default: $FLEET_STATE,"
                        + " unless $FLEET_REPO is set).")
        Path stateFile;

        @Option(names = "--repo", paramLabel = "URL", required = true,
                description = "A git repository holding the desired state (https, ssh, git, file URL or a path), never"
                        + " with a password in it. HTTPS credentials: FLEET_GIT_TOKEN or FLEET_GIT_TOKEN_FILE, and"
                        + " FLEET_GIT_USERNAME. SSH (ssh://user@host:port/path or user@host:path): the key"
                        + " FLEET_GIT_SSH_KEY (owner-only; passphrase in FLEET_GIT_SSH_PASSPHRASE or"
                        + " FLEET_GIT_SSH_PASSPHRASE_FILE), else the ssh-agent at SSH_AUTH_SOCK; the host key must be"
                        + " in FLEET_GIT_KNOWN_HOSTS (default ~/.ssh/known_hosts), never trusted on first use."
                        + " Default: $FLEET_REPO.")
        String repo;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source;

    /**
     * Where the state comes from: {@code --state} or {@code --repo} as given, else {@code FLEET_REPO}
     * or {@code FLEET_STATE} from {@code environment}. Both variables set, with neither option, is
     * refused rather than guessed.
     *
     * @throws IllegalArgumentException when neither says, or both variables do
     */
    Source source(Map<String, String> environment) {
        if (source != null) {
            return source;
        }
        String repo = environment.getOrDefault("FLEET_REPO", "");
        String file = environment.getOrDefault("FLEET_STATE", "");
        if (!repo.isEmpty() && !file.isEmpty()) {
            throw new IllegalArgumentException("FLEET_REPO and FLEET_STATE are both set: pass --repo or --state to"
                    + " choose which one the watch follows");
        }
        if (repo.isEmpty() && file.isEmpty()) {
            throw new IllegalArgumentException("no desired state to watch: pass --state FILE or --repo URL, or set"
                    + " FLEET_STATE or FLEET_REPO");
        }
        Source fromEnvironment = new Source();
        if (repo.isEmpty()) {
            fromEnvironment.stateFile = Path.of(file);
        } else {
            fromEnvironment.repo = repo;
        }
        return fromEnvironment;
    }

    @Option(names = "--branch", paramLabel = "NAME", defaultValue = "${env:FLEET_BRANCH:-main}",
            description = "With --repo: the branch whose latest commit is the desired state (default: $FLEET_BRANCH, else main).")
    String branch;

    @Option(names = "--path", paramLabel = "FILE", defaultValue = "${env:FLEET_PATH:-fleet-state/fleet.yaml}",
            description = "With --repo: the state file's path in the repository (default: $FLEET_PATH, else fleet-state/fleet.yaml).")
    String path;

    @Option(names = "--apply", description = "Converge the fleet each round (otherwise only report).")
    boolean apply;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Time between two rounds, such as 10s or 2m (default: ${DEFAULT-VALUE}). After problems the"
                    + " wait doubles each round, up to 16 intervals or 5 minutes.")
    Duration interval;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8089",
            description = "Where to serve the drift page, /drift.json, /healthz and /metrics (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--allowed-host", paramLabel = "NAME",
            description = "A name the page at --listen answers to besides localhost, 127.0.0.1, [::1] and the --listen"
                    + " address: the name a proxy or a browser uses for it. Repeatable. Requests naming another host"
                    + " get 421 (a guard against DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--webhook", paramLabel = "URL", defaultValue = "${env:FLEET_WEBHOOK_URL}",
            description = "Post events (drift detected, rollout started, finished, failed, rolled back) as JSON to this"
                    + " URL (default: $FLEET_WEBHOOK_URL).")
    String webhook;

    @Option(names = "--allow-insecure-http",
            description = "Let --webhook, and --repo with FLEET_GIT_TOKEN, be plain http to another machine (refused"
                    + " otherwise: the URL or the token would cross the network unencrypted).")
    boolean allowInsecureHttp;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "Where fleet keeps its clone of --repo (default: $STATE_DIRECTORY, as systemd sets it, else"
                    + " ~/.local/state/fleet).")
    Path workdir;
}
