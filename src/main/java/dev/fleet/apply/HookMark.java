package dev.fleet.apply;

import java.util.Optional;

/**
 * What a droplet recorded of a deploy hook for one image: written before the hook starts and again
 * when it ends, so that an apply killed in between leaves the next one a {@link State#STARTED} mark
 * and never a hook run twice by accident.
 *
 * @param run      the apply that ran it
 * @param state    how far it got
 * @param exitCode its exit code, once it ended with one
 */
public record HookMark(String run, State state, Optional<Integer> exitCode) {

    public enum State {
        /** Started, and its end not recorded: the apply died during it, or just after. */
        STARTED,
        /** Exited 0. */
        SUCCEEDED,
        /** Exited otherwise, or ran out of time. */
        FAILED
    }
}
