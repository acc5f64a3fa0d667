package dev.fleet.desired.load;

import dev.fleet.desired.SshIdentity;
import dev.fleet.desired.SshSettings;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * How {@code fleet watch} logs in to the git server of an SSH {@code --repo}, from fleet's
 * environment only (never from the state, which comes from that server):
 *
 * <ul>
 *   <li>{@value #KNOWN_HOSTS}: the known_hosts file the server's host key must be in (default
 *       {@code ~/.ssh/known_hosts}); a key it does not list is refused, never added;</li>
 *   <li>{@value #KEY}: the private key, open to its owner only as ssh insists; its passphrase, when
 *       it is encrypted, from {@value #PASSPHRASE} or the file {@value #PASSPHRASE_FILE} names;</li>
 *   <li>without a key, the keys of the ssh-agent at {@code SSH_AUTH_SOCK}.</li>
 * </ul>
 *
 * Messages name variables and paths, never a passphrase.
 */
public final class GitSshLogin {

    public static final String KNOWN_HOSTS = "FLEET_GIT_KNOWN_HOSTS";
    public static final String KEY = "FLEET_GIT_SSH_KEY";
    public static final String PASSPHRASE = "FLEET_GIT_SSH_PASSPHRASE";
    public static final String PASSPHRASE_FILE = "FLEET_GIT_SSH_PASSPHRASE_FILE";

    private GitSshLogin() {}

    /**
     * The login for an SSH remote, read and checked now, so that a missing or exposed key fails
     * before fleet starts watching.
     *
     * @param timeout how long connecting, and any single wait after it, may take
     * @throws IllegalArgumentException with every problem found and what to do about it
     */
    public static SshSettings settings(Map<String, String> env, Duration timeout) {
        List<String> problems = new ArrayList<>();
        Optional<Path> knownHosts = knownHosts(env, problems);
        Optional<SshIdentity> identity = env.get(KEY) != null ? keyFile(env, problems) : agent(env, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("--repo is an SSH remote, and " + String.join("; ", problems));
        }
        return new SshSettings(identity.orElseThrow(), knownHosts.orElseThrow(), timeout, timeout);
    }

    private static Optional<Path> knownHosts(Map<String, String> env, List<String> problems) {
        String given = env.get(KNOWN_HOSTS);
        Optional<Path> path = given != null ? path(KNOWN_HOSTS, given, problems)
                : Optional.of(home(env).resolve(".ssh").resolve("known_hosts"));
        return path.filter(file -> {
            if (Files.isRegularFile(file) && Files.isReadable(file)) {
                return true;
            }
            problems.add("its host key is checked against " + file + (given != null ? " (" + KNOWN_HOSTS + ")"
                    : " (" + KNOWN_HOSTS + " is not set)") + ", which " + (Files.exists(file) ? "cannot be read"
                    : "does not exist") + " (fleet never trusts a host key on first use: get the server's key with"
                    + " ssh-keyscan -p PORT HOST, check its fingerprint against the one the server's operators"
                    + " publish, and write it to that file, or set " + KNOWN_HOSTS + " to a file holding it)");
            return false;
        });
    }

    /** The key file, which must exist and be open to its owner only; and its passphrase, when given. */
    private static Optional<SshIdentity> keyFile(Map<String, String> env, List<String> problems) {
        Optional<Path> key = path(KEY, env.get(KEY), problems).filter(file -> {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                problems.add(KEY + " names " + file + ", which " + (Files.exists(file) ? "is not a readable file"
                        : "does not exist") + " (the private key fleet logs in to the git server with)");
                return false;
            }
            return OwnerOnly.check(problem(problems), file, KEY + " names " + file + ", which",
                    "fleet, like ssh, refuses a private key that others can read (UNPROTECTED PRIVATE KEY FILE)");
        });
        Optional<SshIdentity.Passphrase> passphrase = key.isPresent()
                ? KeyPassphrase.read(problem(problems), env, PASSPHRASE, PASSPHRASE_FILE) : Optional.empty();
        return key.map(file -> new SshIdentity.KeyFile(file, passphrase));
    }

    /** Without a key file, the keys of the ssh-agent fleet's environment names, as ssh does. */
    private static Optional<SshIdentity> agent(Map<String, String> env, List<String> problems) {
        String socket = env.get(SshSection.AGENT_VARIABLE);
        if (socket == null || socket.isBlank()) {
            problems.add("neither " + KEY + " (the private key fleet logs in to the git server with) nor "
                    + SshSection.AGENT_VARIABLE + " (an ssh-agent holding that key) is set");
            return Optional.empty();
        }
        return path(SshSection.AGENT_VARIABLE, socket, problems).filter(path -> {
            if (!Files.exists(path)) {
                problems.add(KEY + " is not set, so fleet logs in with the ssh-agent at " + SshSection.AGENT_VARIABLE
                        + ", " + path + ", which does not exist");
                return false;
            }
            return true;
        }).map(SshIdentity.Agent::new);
    }

    private static Optional<Path> path(String variable, String value, List<String> problems) {
        if (value.isBlank()) {
            problems.add(variable + " is set in fleet's environment, but empty");
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(value).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            problems.add(variable + " is not a valid path: " + e.getReason());
            return Optional.empty();
        }
    }

    private static Path home(Map<String, String> env) {
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }

    /** Problems with their hint, as one text each. */
    private static BiConsumer<String, String> problem(List<String> problems) {
        return (message, hint) -> problems.add(hint == null ? message : message + " (" + hint + ")");
    }
}
