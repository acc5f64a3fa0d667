package dev.fleet.desired;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a state file as an earlier commit of its repository holds it: what {@code fleet rollback}
 * returns to. A port: the implementation that knows git lives at the edge ({@code
 * dev.fleet.infra.git}); tests may pass a lambda.
 *
 * <p>Contract: read-only; never reads more than a state file's size limit; safe from any thread.
 */
public interface StateRevisions {

    /**
     * The file in one commit.
     *
     * @param commit  the commit's full id
     * @param subject the first line of its message
     * @param text    the file's text in that commit
     */
    record Snapshot(String commit, String subject, String text) {}

    /**
     * {@code file} as {@code revision} holds it.
     *
     * @param revision anything {@code git rev-parse} takes: a full or abbreviated commit id, a tag,
     *                 {@code HEAD~2}
     * @return empty when no commit has that name, or the commit does not hold the file
     * @throws IOException when the repository cannot be read, or the file is not in one
     */
    Optional<Snapshot> fileAt(Path file, String revision) throws IOException;
}
