package dev.fleet.desired.load;

import dev.fleet.desired.SshIdentity;
import dev.fleet.desired.SshSettings;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code ssh:}, how fleet reaches the droplets, and the default SSH user for them: with
 * {@code identity-file} (and its passphrase from fleet's environment), or without it with the keys
 * of the ssh-agent at {@code SSH_AUTH_SOCK}.
 */
final class SshSection {

    /** Where ssh and ssh-add find the agent, and so does fleet. */
    static final String AGENT_VARIABLE = "SSH_AUTH_SOCK";

    static final Set<String> KEYS =
            Sections.keys("user", "identity-file", "known-hosts", "connect-timeout", "command-timeout");

    /** A login name as Linux accepts it; no leading '-' that a command line could read as an option. */
    static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");
    static final String USER_HINT = "a login name: letters, digits, '_', '.' and '-', not starting with a digit or '-'";

    private SshSection() {}

    /**
     * @param settings      the settings, when valid
     * @param user          {@code ssh.user}, the droplets' default user, when given and valid
     * @param userMissing   whether a droplet without its own user is a problem: ssh was given
     *                      without a user (when ssh itself is missing, that problem says enough)
     * @param commandTimeout {@code command-timeout} (its default when not given), when it could be
     *                      read: other keys that must fit in it are checked against it
     */
    record Result(Optional<SshSettings> settings, Optional<String> user, boolean userMissing,
            Optional<Duration> commandTimeout) {}

    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);

    static Result read(Optional<Field> field, LoadContext context) {
        Optional<MappingReader> ssh = field.flatMap(f -> f.mapping(KEYS));
        if (ssh.isEmpty()) {
            return new Result(Optional.empty(), Optional.empty(), false, Optional.empty());
        }
        return read(ssh.get(), context);
    }

    private static Result read(MappingReader ssh, LoadContext context) {
        Optional<String> user = ssh.optional("user").flatMap(f -> f.text(USER, "a valid user name", USER_HINT));
        Optional<SshIdentity> identity = ssh.optional("identity-file")
                .map(f -> keyFile(f, context))
                .orElseGet(() -> agent(ssh, context));
        Optional<Path> knownHosts = ssh
                .required("known-hosts", "a known_hosts file beside the state, e.g. known_hosts")
                .flatMap(f -> existingFile(f, context, path -> "collect the droplets' host keys"
                        + " (ssh-keyscan -p PORT HOST >> " + path + "), check their fingerprints with each"
                        + " droplet's console, and commit the file beside the state;"
                        + " fleet never trusts an unknown host key"));
        Duration connectTimeout = ssh.duration("connect-timeout", Duration.ofSeconds(5));
        Optional<Duration> commandTimeout = ssh.optional("command-timeout").map(Field::duration)
                .orElse(Optional.of(DEFAULT_COMMAND_TIMEOUT));
        Optional<SshSettings> settings = Sections.allPresent(identity, knownHosts)
                ? Optional.of(new SshSettings(identity.get(), knownHosts.get(), connectTimeout,
                        commandTimeout.orElse(DEFAULT_COMMAND_TIMEOUT)))
                : Optional.empty();
        return new Result(settings, user, !ssh.has("user"), commandTimeout);
    }

    /**
     * The key file, which must exist and be open to its owner only, as ssh insists; and its
     * passphrase, when fleet's environment gives one.
     */
    private static Optional<SshIdentity> keyFile(Field field, LoadContext context) {
        if (context.offline()) {
            return field.text().flatMap(text -> context.resolve(field, text))
                    .map(path -> new SshIdentity.KeyFile(path, Optional.empty()));
        }
        Optional<Path> file = existingFile(field, context, path -> "create a key with ssh-keygen -t ed25519 -f " + path
                + " and authorize its .pub on the droplets, or fix the path")
                .filter(path -> OwnerOnly.check(field, path, path.toString(), "fleet, like ssh, refuses a private key"
                        + " that others can read (UNPROTECTED PRIVATE KEY FILE)"));
        Optional<SshIdentity.Passphrase> passphrase =
                file.isPresent() ? KeyPassphrase.read(field, context.env()) : Optional.empty();
        return file.map(path -> new SshIdentity.KeyFile(path, passphrase));
    }

    /**
     * Without an identity file, the keys of the ssh-agent fleet's environment names, as ssh does:
     * the state stays the same for every operator, each with their own agent. Without an agent
     * either, the identity file is what is missing.
     */
    private static Optional<SshIdentity> agent(MappingReader ssh, LoadContext context) {
        if (context.offline()) {
            // Whoever runs fleet will have an agent, or not: theirs to say, not the file's.
            return Optional.of(new SshIdentity.Agent(Path.of("/" + AGENT_VARIABLE)));
        }
        String socket = context.env().get(AGENT_VARIABLE);
        String hint = "the private key fleet logs in with, e.g. ~/.ssh/fleet_ed25519; or leave it out and run fleet"
                + " with " + AGENT_VARIABLE + " set, to log in with the keys of your ssh-agent";
        if (socket == null || socket.isBlank()) {
            ssh.missing("required key 'identity-file' is missing", hint);
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(socket).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            ssh.missing("no identity-file, so fleet logs in with the ssh-agent at " + AGENT_VARIABLE + ", which is not"
                    + " a valid path: " + e.getReason(), hint);
            return Optional.empty();
        }
        if (!Files.exists(path)) {
            ssh.missing("no identity-file, so fleet logs in with the ssh-agent at " + AGENT_VARIABLE + ", " + path
                    + ", which does not exist", "start ssh-agent (eval \"$(ssh-agent)\") and ssh-add the droplets' key;"
                    + " or give identity-file");
            return Optional.empty();
        }
        return Optional.of(new SshIdentity.Agent(path));
    }

    /** A path that must name a readable file on the machine running fleet, now. */
    private static Optional<Path> existingFile(Field field, LoadContext context, Function<Path, String> howToCreate) {
        return field.text().flatMap(text -> context.resolve(field, text)).filter(path -> {
            if (context.offline()) {
                return true;
            }
            String relative = " (relative paths start from the state file's folder, " + context.stateDir() + ")";
            if (!Files.exists(path)) {
                field.problem(path + " does not exist", howToCreate.apply(path) + relative);
                return false;
            }
            if (!Files.isRegularFile(path)) {
                field.problem(path + " is not a file", "name the file itself" + relative);
                return false;
            }
            if (!Files.isReadable(path)) {
                field.problem(path + " cannot be read", "make it readable by the user that runs fleet");
                return false;
            }
            return true;
        });
    }
}
