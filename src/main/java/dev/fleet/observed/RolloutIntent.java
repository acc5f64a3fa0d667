package dev.fleet.observed;

import java.time.Instant;
import java.util.Optional;

/**
 * What an apply was about to do on a droplet, written on the droplet itself before each step and
 * cleared when the droplet's turn ends. One found by a later apply was left by an apply that died
 * (killed, or its machine lost) in the middle of that droplet: it tells the next one that fleet,
 * not an operator, took the droplet out of rotation, and what it ran before, so that the rollout
 * can be finished or undone from what the droplet says.
 *
 * @param run        the apply's run id
 * @param step       the step about to be performed, as {@code INDEX:KIND} (e.g. {@code 3:remove-container})
 * @param phase      {@code forward} while moving to {@code toDigest}, {@code rollback} while going back
 * @param toDigest   the digest the apply was moving the droplet to
 * @param fromImage  what the droplet ran before, as a reference fleet can start it from again
 * @param fromDigest the registry digest of that image, when known
 * @param at         when the step was about to start (the droplet's clock)
 */
public record RolloutIntent(
        String run,
        String step,
        String phase,
        String toDigest,
        Optional<String> fromImage,
        Optional<String> fromDigest,
        Instant at) {

    public static final String FORWARD = "forward";
    public static final String ROLLBACK = "rollback";
    /** The step of a canary watched in its soak, its turn done: an apply that died then left it soaking. */
    public static final String SOAK = "soak";
}
