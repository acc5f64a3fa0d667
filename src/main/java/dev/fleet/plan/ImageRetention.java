package dev.fleet.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which images a droplet keeps after its turn: the one running, and the last {@code keep} fleet ran
 * there. An image a rollout pulled and never ran (it failed) goes too. Pure: the droplet's record of
 * what fleet ran and pulled is the input, the images to remove the output.
 */
public final class ImageRetention {

    private ImageRetention() {}

    /**
     * @param ran     the images fleet ran on the droplet, oldest first, repeats allowed
     * @param aimed   other images fleet pulled there for the service (the targets of rollouts,
     *                failed ones included), in any order
     * @param running the image running now, never removed
     * @param keep    how many of the last ones fleet ran stay (the running one among them when it is)
     * @return the images to remove: only ones fleet ran or pulled for the service
     */
    public static List<String> toRemove(List<String> ran, Collection<String> aimed, String running, int keep) {
        // Each image at its last run, oldest first.
        Set<String> byLastRun = new LinkedHashSet<>();
        for (String image : ran) {
            byLastRun.remove(image);
            byLastRun.add(image);
        }
        List<String> ordered = new ArrayList<>(byLastRun);
        List<String> kept = ordered.subList(Math.max(0, ordered.size() - keep), ordered.size());
        Set<String> candidates = new LinkedHashSet<>(ordered);
        candidates.addAll(aimed);
        return candidates.stream().filter(image -> !kept.contains(image) && !image.equals(running)).toList();
    }
}
