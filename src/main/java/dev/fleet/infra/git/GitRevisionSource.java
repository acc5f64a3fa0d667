package dev.fleet.infra.git;

import dev.fleet.desired.Revision;
import dev.fleet.desired.RevisionSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * The revision of a state file from the git repository holding it, read with JGit (no git binary
 * needed). The repository is found from the file's folder upwards, as git finds it; {@code GIT_DIR}
 * and other git environment variables are ignored, so the answer depends on the file alone.
 *
 * <p>Dirty means a tracked file differs from HEAD (modified, staged, deleted, in conflict), or the
 * state file itself is not tracked (then what is read is not what any commit says). Other untracked
 * files do not count: build output or notes beside the state do not make it dirty.
 *
 * <p>Read-only (git status may refresh the index's cached file times, as {@code git status} does,
 * but changes no content). Safe to call from several threads: each call opens its own repository.
 */
public final class GitRevisionSource implements RevisionSource {

    @Override
    public Revision revisionOf(Path file) throws IOException {
        Optional<Repository> holding = Repositories.holding(file);
        if (holding.isEmpty()) {
            return Revision.notInGit();
        }
        try (Repository repository = holding.get()) {
            if (repository.isBare()) {
                return Revision.notInGit();
            }
            ObjectId head = repository.resolve(Constants.HEAD);
            if (head == null) {
                return Revision.noCommitYet();
            }
            return new Revision(Optional.of(head.name()), isDirty(repository, file));
        }
    }

    private static boolean isDirty(Repository repository, Path file) throws IOException {
        String relative = Repositories.pathIn(repository, file);
        try {
            Status status = Git.wrap(repository).status().call();
            return status.hasUncommittedChanges() || status.getUntracked().contains(relative);
        } catch (GitAPIException e) {
            throw new IOException("git status failed in " + repository.getWorkTree() + ": " + e.getMessage(), e);
        }
    }
}
