package dev.fleet.rollout.watch;

import java.nio.file.Path;

/**
 * Where {@code fleet watch} gets its desired state from each round: a state file on this machine,
 * or a git repository that it fetches into a clone of its own.
 */
public interface StateSource {

    /** What a round gets: the state file to load, and whether it is the source's latest. */
    sealed interface Fetch {}

    /** The state file, up to date with the source. */
    record Fresh(Path stateFile) implements Fetch {}

    /**
     * The source could not be brought up to date (the remote is unreachable, say); the state file
     * is the last one fetched, and {@code problem} says why it may be old. Never a secret.
     */
    record Stale(Path stateFile, String problem) implements Fetch {}

    /** Nothing was ever fetched: there is no state to act on yet. */
    record Unavailable(String problem) implements Fetch {}

    /**
     * Brings the source up to date if it can. Never throws for an unreachable or broken source:
     * that is a {@link Stale} or {@link Unavailable} with the reason.
     */
    Fetch fetch();

    /** The source in words, for the page and the log (a repository's URL without its credentials). */
    String describe();
}
