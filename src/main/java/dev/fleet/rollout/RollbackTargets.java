package dev.fleet.rollout;

import dev.fleet.desired.load.ImagePins;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which revision {@code fleet rollback} returns to when none is named: the newest one whose apply
 * converged and whose images differ from the state's today. Pure: the history and a way to read an
 * old revision's image lines come in.
 *
 * <p>"Differ" is judged droplet by droplet on the image each would run, so a rollback is never a
 * no-op commit; and after a rollback has itself been applied, the next one goes back to where the
 * first one came from, as a second {@code git revert} would.
 */
public final class RollbackTargets {

    /** The results of an apply after which every droplet ran what its commit said. */
    static final Set<String> CONVERGED = Set.of("converged", "nothing-to-do");

    /** Reads the image lines of the state file at a commit recorded in the history. */
    @FunctionalInterface
    public interface PinsAt {
        /** Empty when the commit or the file in it is not found. */
        Optional<ImagePins> pinsAt(String commit) throws IOException;
    }

    /**
     * A revision to return to.
     *
     * @param commit the commit as the history recorded it (12 hex digits)
     * @param apply  the apply that converged on it
     * @param pins   its image lines
     */
    public record Target(String commit, ApplyRecord apply, ImagePins pins) {}

    private RollbackTargets() {}

    /**
     * The newest converged apply, in {@code history} (oldest first), of a committed revision whose
     * images differ from {@code current} on one of {@code droplets}; empty when there is none.
     */
    public static Optional<Target> lastConvergedOther(List<HistoryEntry> history, ImagePins current,
            Collection<String> droplets, PinsAt pinsAt) throws IOException {
        for (HistoryEntry entry : history.reversed()) {
            if (!(entry instanceof HistoryEntry.Apply(ApplyRecord apply)) || !CONVERGED.contains(apply.result())
                    || !committed(apply.commit())) {
                continue;
            }
            Optional<ImagePins> pins = pinsAt.pinsAt(apply.commit());
            if (pins.isPresent() && differs(pins.get(), current, droplets)) {
                return Optional.of(new Target(apply.commit(), apply, pins.get()));
            }
        }
        return Optional.empty();
    }

    /** Whether some droplet would run another image under {@code a} than under {@code b}. */
    public static boolean differs(ImagePins a, ImagePins b, Collection<String> droplets) {
        return droplets.stream().anyMatch(d -> !a.imageOf(d).equals(b.imageOf(d)));
    }

    /** A clean commit id: a run from a dirty working tree or outside git has nothing to return to. */
    private static boolean committed(String commit) {
        return commit.matches("[0-9a-f]{7,40}");
    }
}
