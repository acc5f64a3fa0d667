package dev.fleet.rollout;

import java.util.Optional;

/**
 * Names the process that runs fleet, so that a later fleet on the same machine can tell for sure
 * that the holder of a lease is gone (killed, crashed) and take its lease over at once.
 */
public interface Processes {

    /** This process's identity, when the machine lets it be known. */
    Optional<String> identity();

    /** Whether {@code identity} names a process of this machine that no longer runs; false when unsure. */
    boolean isGone(String identity);

    /** Nothing can be known: a lease is only ever taken over once it lapses. */
    Processes UNKNOWN = new Processes() {
        @Override
        public Optional<String> identity() {
            return Optional.empty();
        }

        @Override
        public boolean isGone(String identity) {
            return false;
        }
    };
}
