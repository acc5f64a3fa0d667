package dev.fleet.desired;

import java.util.Optional;

/**
 * Which version of the desired state was read: the commit of the state file's git repository and
 * whether the working tree differed from it (a dirty state is reported, since it is not in git).
 *
 * @param commit the full commit id, or empty when the file is not in a git repository or the
 *               repository has no commit yet
 * @param dirty  whether the working tree has uncommitted changes
 */
public record Revision(Optional<String> commit, boolean dirty) {

    public static Revision notInGit() {
        return new Revision(Optional.empty(), false);
    }

    /** A repository without any commit: everything in it is uncommitted, hence dirty. */
    public static Revision noCommitYet() {
        return new Revision(Optional.empty(), true);
    }

    /** The first 12 characters of the commit, with {@code -dirty} when uncommitted changes exist. */
    public String describe() {
        return commit.map(c -> c.substring(0, Math.min(12, c.length())) + (dirty ? "-dirty" : ""))
                .orElse(dirty ? "no commit yet" : "not in git");
    }
}
