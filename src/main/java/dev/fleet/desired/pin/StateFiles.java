package dev.fleet.desired.pin;

import java.nio.file.Path;

/** Where a state file is saved, and the git repository that tracks it. */
public interface StateFiles {

    /**
     * Whether {@code file} differs from its last commit (modified, staged, or not tracked at all).
     *
     * @throws ImagePinException with reason {@code NOT_SAVED} when the file is in no git repository
     */
    boolean hasUncommittedChanges(Path file) throws ImagePinException;

    /**
     * Replaces the file's content with {@code text} atomically: a reader sees the old file or the
     * new one, never a part; the file keeps its permissions. On failure the old file is untouched.
     */
    void replace(Path file, String text) throws ImagePinException;

    /**
     * Commits {@code file}, and nothing else that is staged or changed, with {@code message}; the
     * author is the repository's git user, else a default one.
     *
     * @return the new commit, as its short id and author ("1a2b3c4d5e6f by A <a@b>")
     */
    String commit(Path file, String message) throws ImagePinException;
}
