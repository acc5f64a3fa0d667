package dev.fleet.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which images a droplet keeps after its turn: the one running, and the last {@code keep} fleet ran
 * there. Pure: the droplet's record of what fleet ran is the input, the images to remove the output.
 */
public final class ImageRetention {

    private ImageRetention() {}

    /**
     * @param ran     the images fleet ran on the droplet, oldest first, repeats allowed
     * @param running the image running now, never removed
     * @param keep    how many of the last ones fleet ran stay (the running one among them when it is)
     * @return the images to remove, oldest first: only ones in {@code ran}
     */
    public static List<String> toRemove(List<String> ran, String running, int keep) {
        // Each image at its last run, oldest first.
        Set<String> byLastRun = new LinkedHashSet<>();
        for (String image : ran) {
            byLastRun.remove(image);
            byLastRun.add(image);
        }
        List<String> ordered = new ArrayList<>(byLastRun);
        List<String> kept = ordered.subList(Math.max(0, ordered.size() - keep), ordered.size());
        return ordered.stream().filter(image -> !kept.contains(image) && !image.equals(running)).toList();
    }
}
