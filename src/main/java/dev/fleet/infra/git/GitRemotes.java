package dev.fleet.infra.git;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import org.eclipse.jgit.transport.URIish;

/** What kind of remote a {@code --repo} is, told apart as JGit tells its transports apart. */
public final class GitRemotes {

    private static final Set<String> SSH_SCHEMES = Set.of("ssh", "ssh+git", "git+ssh");

    private GitRemotes() {}

    /**
     * Whether JGit reaches {@code url} over SSH: an {@code ssh://} URL (or {@code ssh+git://},
     * {@code git+ssh://}), or the scp-like {@code [user@]host:path}. A path on this machine is not,
     * even one with a colon in it.
     */
    public static boolean isSsh(String url) {
        URIish uri = parse(url);
        if (uri == null || !uri.isRemote()) {
            return false;
        }
        if (uri.getScheme() == null) {
            return uri.getHost() != null && uri.getPath() != null && !isLocalPath(url);
        }
        return SSH_SCHEMES.contains(uri.getScheme());
    }

    /** Whether {@code url} holds a password (or token): {@code scheme://user:secret@host/...}. */
    public static boolean hasPassword(String url) {
        URIish uri = parse(url);
        return uri != null && uri.getPass() != null && !uri.getPass().isEmpty();
    }

    private static URIish parse(String url) {
        try {
            return new URIish(url.strip());
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static boolean isLocalPath(String url) {
        try {
            return Files.exists(Path.of(url));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
