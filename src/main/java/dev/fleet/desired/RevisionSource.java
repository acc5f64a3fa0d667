package dev.fleet.desired;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Tells which version of a state file is being read. A port: the implementation that knows git
 * lives at the edge ({@code dev.fleet.infra.git}); tests may pass a lambda.
 *
 * <p>Contract: read-only (never changes the repository or its index); safe to call from any thread.
 */
public interface RevisionSource {

    /**
     * The revision of the repository holding {@code file}: its HEAD commit, and whether tracked files
     * differ from it. {@link Revision#notInGit()} when no repository holds the file.
     *
     * @throws IOException when a repository holds the file but cannot be read
     */
    Revision revisionOf(Path file) throws IOException;
}
