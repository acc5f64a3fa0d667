package dev.fleet.plan;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What happens to one droplet: its steps in order, and the steps that put its previous image back
 * if the new one fails (empty when there is nothing to go back to).
 *
 * @param droplet      the droplet's name
 * @param why          the drift that makes it change, in one sentence
 * @param fromDigest   the digest it runs now, when known
 * @param toDigest     the digest it will run
 * @param steps        the drain-and-swap steps
 * @param rollback     the steps back to the previous image, after a failure past the drain
 * @param estimate     how long the steps should take when all goes well
 */
public record DropletPlan(
        String droplet,
        String why,
        Optional<String> fromDigest,
        String toDigest,
        List<Step> steps,
        List<Step> rollback,
        Duration estimate) {

    public DropletPlan {
        steps = List.copyOf(steps);
        rollback = List.copyOf(rollback);
    }
}
