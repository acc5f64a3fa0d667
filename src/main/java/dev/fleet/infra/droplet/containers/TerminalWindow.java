package dev.fleet.infra.droplet.containers;

import java.util.Optional;

/**
 * The window an exec with a TTY is shown in, on fleet's side: its rows and columns now, and word of
 * each change, so that a shell or an editor in the container redraws for the window it is really in.
 */
public interface TerminalWindow {

    /** A window of unknown size that never changes: an exec without a terminal of ours. */
    TerminalWindow NONE = new TerminalWindow() {
        @Override
        public Optional<int[]> size() {
            return Optional.empty();
        }

        @Override
        public Listening onResize(Runnable resized) {
            return () -> { };
        }
    };

    /** Rows and columns, when known. */
    Optional<int[]> size();

    /** Runs {@code resized} after each change of size (on a thread of its own), until the result is closed. */
    Listening onResize(Runnable resized);

    /** Word of changes, until closed. */
    interface Listening extends AutoCloseable {
        @Override
        void close();
    }
}
