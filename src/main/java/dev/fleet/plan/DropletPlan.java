package dev.fleet.plan;

import dev.fleet.desired.ImageSource;
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
 * @param fromImage    what the rollback starts again: the image (by digest, or its local id) of what it ran
 *                     before the rollout (for a droplet an interrupted apply left half done, what it
 *                     ran before that apply); empty when there is nothing to go back to
 * @param toDigest     the digest it will run
 * @param steps        the drain-and-swap steps
 * @param rollback     the steps back to the previous image, after a failure past the drain
 * @param swapped      an apply that did not finish already replaced the container: the steps only
 *                     bring it back, and a failure at any of them rolls back
 * @param estimate     how long the steps should take when all goes well
 */
public record DropletPlan(
        String droplet,
        String why,
        Optional<String> fromDigest,
        Optional<ImageSource> fromImage,
        String toDigest,
        List<Step> steps,
        List<Step> rollback,
        boolean swapped,
        Duration estimate) {

    public DropletPlan {
        steps = List.copyOf(steps);
        rollback = List.copyOf(rollback);
    }
}
