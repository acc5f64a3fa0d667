package dev.fleet.infra.git;

import dev.fleet.desired.StateRevisions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * {@link StateRevisions} from the git repository that holds the state file, read with JGit.
 *
 * <p>Read-only. Each call opens its own repository, so calls from several threads are safe.
 */
public final class GitStateRevisions implements StateRevisions {

    /** A state file's own limit: an old commit holding a huge blob under the name is not read whole. */
    static final int MAX_BYTES = 256 * 1024;

    @Override
    public Optional<Snapshot> fileAt(Path file, String revision) throws IOException {
        Repository holding = Repositories.holding(file)
                .orElseThrow(() -> new IOException(file + " is not in a git repository"));
        try (Repository repository = holding; RevWalk walk = new RevWalk(repository)) {
            if (repository.isBare()) {
                throw new IOException(file + " is in a bare git repository, which has no work tree to hold it");
            }
            Optional<ObjectId> id = resolve(repository, revision);
            if (id.isEmpty()) {
                return Optional.empty();
            }
            RevCommit commit = walk.parseCommit(id.get());
            String path = Repositories.pathIn(repository, file);
            try (TreeWalk tree = TreeWalk.forPath(repository, path, commit.getTree())) {
                if (tree == null) {
                    return Optional.empty();
                }
                ObjectLoader loader = repository.open(tree.getObjectId(0));
                if (loader.getSize() > MAX_BYTES) {
                    throw new IOException(path + " at " + commit.name().substring(0, 12) + " is " + loader.getSize()
                            + " bytes, more than a state file may be (" + MAX_BYTES + ")");
                }
                String text = new String(loader.getBytes(MAX_BYTES), StandardCharsets.UTF_8);
                return Optional.of(new Snapshot(commit.name(), commit.getShortMessage(), text));
            }
        }
    }

    private static Optional<ObjectId> resolve(Repository repository, String revision) throws IOException {
        try {
            return Optional.ofNullable(repository.resolve(revision + "^{commit}"));
        } catch (AmbiguousObjectException e) {
            throw new IOException("'" + revision + "' names more than one commit: give more of its digits", e);
        } catch (RevisionSyntaxException e) {
            return Optional.empty();
        }
    }
}
