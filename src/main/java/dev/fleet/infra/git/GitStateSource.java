package dev.fleet.infra.git;

import dev.fleet.infra.ssh.DropletException;
import dev.fleet.rollout.watch.StateSource;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FileUtils;

/**
 * The desired state from a git repository, fetched with JGit (no git binary) into fleet's own
 * clone: each fetch brings the branch's latest commit and checks it out there, discarding anything
 * else (the clone is fleet's, nobody edits it). When the remote cannot be reached, the last commit
 * fetched stays checked out and the fetch says it is stale.
 *
 * <p>Credentials, for HTTPS remotes: a user and a token from {@code FLEET_GIT_USERNAME} (default
 * {@code git}) and {@code FLEET_GIT_TOKEN}, or the token from the file {@code FLEET_GIT_TOKEN_FILE}.
 * They never appear in what this class says: messages name the remote without any user or password
 * the URL holds. SSH remotes ({@code ssh://user@host:port/path} or {@code user@host:path}) go through
 * the {@link SshSessionFactory} given, set on each clone and fetch (JGit's global one is never used:
 * JGit core has none, and {@code GIT_SSH} would run an ssh process).
 */
public final class GitStateSource implements StateSource {

    private final String url;
    private final String branch;
    private final String path;
    private final Path clone;
    private final Optional<CredentialsProvider> credentials;
    private final Optional<SshSessionFactory> ssh;
    private final Duration timeout;

    /**
     * @param url     the remote: a URL (https, ssh, git, file) or a local path
     * @param branch  the branch whose latest commit is the desired state
     * @param path    the state file's path inside the repository
     * @param home    the folder fleet keeps its clones in; this remote's clone is a folder of it
     *                named after the URL and branch
     * @param timeout how long one fetch may take
     */
    public GitStateSource(String url, String branch, String path, Path home, Optional<CredentialsProvider> credentials,
            Duration timeout) {
        this(url, branch, path, home, credentials, Optional.empty(), timeout);
    }

    /**
     * @param ssh how to reach an SSH remote; without it, an SSH remote fails each fetch with a
     *            message saying so
     */
    public GitStateSource(String url, String branch, String path, Path home, Optional<CredentialsProvider> credentials,
            Optional<SshSessionFactory> ssh, Duration timeout) {
        this.url = url;
        this.branch = branch;
        this.path = path;
        this.clone = home.resolve(folderName(url, branch));
        this.credentials = credentials;
        this.ssh = ssh;
        this.timeout = timeout;
    }

    /** HTTPS credentials from the environment, as the class comment says; empty when none are set. */
    public static Optional<CredentialsProvider> credentialsFrom(Map<String, String> environment)
            throws IOException {
        String token = environment.get("FLEET_GIT_TOKEN");
        String file = environment.get("FLEET_GIT_TOKEN_FILE");
        if ((token == null || token.isEmpty()) && file != null && !file.isEmpty()) {
            token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        }
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String user = environment.getOrDefault("FLEET_GIT_USERNAME", "git");
        return Optional.of(new UsernamePasswordCredentialsProvider(user, token));
    }

    @Override
    public String describe() {
        return "git " + withoutCredentials(url) + " branch " + branch + ", " + path;
    }

    @Override
    public Fetch fetch() {
        Path stateFile = clone.resolve(path);
        boolean fetchedBefore = Files.isDirectory(clone.resolve(".git")) && Files.isRegularFile(stateFile);
        try {
            update();
            if (!Files.isRegularFile(stateFile)) {
                return new Unavailable(path + " is not in " + describe().substring(4) + " at its latest commit");
            }
            return new Fresh(stateFile);
        } catch (IOException | GitAPIException | RuntimeException e) {
            String problem = "fetching " + withoutCredentials(url) + " failed: " + clean(e);
            return fetchedBefore ? new Stale(stateFile, problem) : new Unavailable(problem);
        }
    }

    private void update() throws IOException, GitAPIException {
        int seconds = (int) Math.max(1, timeout.toSeconds());
        if (!Files.isDirectory(clone.resolve(".git"))) {
            // A clone cut short leaves a folder without a usable repository: start again.
            if (Files.exists(clone)) {
                FileUtils.delete(clone.toFile(), FileUtils.RECURSIVE | FileUtils.RETRY);
            }
            Files.createDirectories(clone.getParent());
            var command = Git.cloneRepository().setURI(url).setBranch(branch).setDirectory(clone.toFile())
                    .setTimeout(seconds).setCloneAllBranches(false).setTransportConfigCallback(this::configure);
            credentials.ifPresent(command::setCredentialsProvider);
            try (Git ignored = command.call()) {
                return;
            }
        }
        try (Git git = Git.open(clone.toFile())) {
            var fetch = git.fetch().setRemote("origin").setTimeout(seconds)
                    .setRefSpecs("+refs/heads/" + branch + ":refs/remotes/origin/" + branch)
                    .setTransportConfigCallback(this::configure);
            credentials.ifPresent(fetch::setCredentialsProvider);
            fetch.call();
            ObjectId latest = git.getRepository().resolve("refs/remotes/origin/" + branch + "^{commit}");
            if (latest == null) {
                throw new IOException("the remote has no branch " + branch);
            }
            ObjectId head = git.getRepository().resolve(Constants.HEAD);
            if (!latest.equals(head)) {
                git.reset().setMode(ResetCommand.ResetType.HARD).setRef(latest.name()).call();
            }
        }
    }

    /** An SSH transport gets this source's SSH client, or one that says there is none. */
    private void configure(Transport transport) {
        if (transport instanceof SshTransport sshTransport) {
            sshTransport.setSshSessionFactory(ssh.orElse(NoSsh.INSTANCE));
        }
    }

    /**
     * The exception's message, and its causes' where they add something (JGit often says only that
     * the remote hung up, and why is in the cause), without the URL's credentials, on one line.
     */
    private String clean(Exception e) {
        StringBuilder message = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String more = cause.getMessage();
            if (more != null && !more.isBlank() && message.indexOf(more) < 0) {
                message.append(": ").append(more);
            }
            if (cause instanceof DropletException) {
                break; // fleet's own SSH message says all; what sshj said under it adds only noise
            }
        }
        return message.toString().replace(url, withoutCredentials(url)).replace('\n', ' ');
    }

    /** The URL without a user or password in it. */
    static String withoutCredentials(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getRawUserInfo() == null) {
                return url;
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                    uri.getFragment()).toString();
        } catch (URISyntaxException e) {
            int at = url.lastIndexOf('@');
            int scheme = url.indexOf("://");
            return at > scheme && scheme >= 0 ? url.substring(0, scheme + 3) + url.substring(at + 1) : url;
        }
    }

    private static String folderName(String url, String branch) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((withoutCredentials(url) + "\n" + branch).getBytes(StandardCharsets.UTF_8));
            return "repo-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    /** The SSH client of a source given none: every SSH remote is refused, saying why. */
    private static final class NoSsh extends SshSessionFactory {

        static final NoSsh INSTANCE = new NoSsh();

        @Override
        public RemoteSession getSession(URIish uri, CredentialsProvider credentials, FS fs, int timeout)
                throws TransportException {
            throw new TransportException(uri.setPass(null), "fleet was given no SSH login for this remote");
        }

        @Override
        public String getType() {
            return "none";
        }
    }
}
