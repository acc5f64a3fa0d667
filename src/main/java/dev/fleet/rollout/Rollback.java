package dev.fleet.rollout;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.StateRevisions;
import dev.fleet.desired.load.ImageLine;
import dev.fleet.desired.load.ImagePins;
import dev.fleet.desired.pin.ImagePinException;
import dev.fleet.desired.pin.SetImage;
import dev.fleet.desired.pin.StateFiles;
import dev.fleet.rollout.ledger.LockException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code fleet rollback}: writes the image lines of an earlier revision of the state back into the
 * state file and commits them as a new commit (the history is never rewritten). The revision is the
 * one named, or the newest whose apply converged with other images than today's ({@link
 * RollbackTargets}). Only image lines change: the rest of the file (a droplet added since, a changed
 * health check) stays as it is now, since rolling those back is a decision, not an undo.
 *
 * <p>Everything that can refuse runs before the file is touched; then one atomic write and one commit.
 */
public final class Rollback {

    /** How many entries of the history are searched for a converged revision. */
    static final int HISTORY_SEARCHED = 1_000;

    /** A rollback that cannot be done, and what to do instead. */
    public static final class Refused extends Exception {
        private final String hint;

        public Refused(String message, String hint) {
            super(message);
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }

    /** One image line changed: {@code service.image} or {@code droplets[1].image}. */
    public record Change(String where, String from, String to) {}

    /**
     * Done.
     *
     * @param target    the commit returned to (full id) and its subject
     * @param subject   the first line of its message
     * @param converged the run whose converged apply vouches for it, when it was found in the history
     * @param changes   each image line changed
     * @param commit    the new commit, as its short id and author
     */
    public record Done(String target, String subject, Optional<String> converged, List<Change> changes,
            String commit) {}

    private final Ledgers ledgers;
    private final StateRevisions revisions;
    private final StateFiles files;

    public Rollback(Ledgers ledgers, StateRevisions revisions, StateFiles files) {
        this.ledgers = Objects.requireNonNull(ledgers, "ledgers");
        this.revisions = Objects.requireNonNull(revisions, "revisions");
        this.files = Objects.requireNonNull(files, "files");
    }

    /**
     * Rolls {@code state}'s file back to {@code to} (any git revision), or to the last converged
     * revision with other images when {@code to} is empty.
     */
    public Done run(DesiredState state, Optional<String> to) throws Refused {
        Path file = state.file();
        try {
            if (files.hasUncommittedChanges(file)) {
                throw new Refused(file + " has changes that are not committed; a rollback is a commit of its own",
                        "commit or discard them first (git diff -- " + file + ")");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            ImagePins current = ImagePins.read(text, file.toString());
            List<String> droplets = state.droplets().stream().map(DropletSpec::name).toList();
            Target target = to.isPresent() ? named(file, to.get()) : lastConverged(state, current, droplets);
            List<Change> changes = new ArrayList<>();
            String edited = edit(file, text, current, target.pins(), droplets, changes);
            if (changes.isEmpty()) {
                throw new Refused("the state already names the images of " + shortId(target.commit())
                        + "; nothing to roll back", "fleet history shows the applies and their commits");
            }
            files.replace(file, edited);
            String message = "rollback to " + shortId(target.commit()) + " (" + target.subject() + "): "
                    + String.join(", ", changes.stream().map(c -> c.where() + " " + SetImage.shortDigest(c.from())
                            + " -> " + SetImage.shortDigest(c.to())).toList());
            return new Done(target.commit(), target.subject(), target.run(), changes, files.commit(file, message));
        } catch (ImagePinException e) {
            throw new Refused(e.getMessage(), e.hint());
        } catch (InvalidStateException e) {
            throw new Refused(e.getMessage(), null);
        } catch (IOException e) {
            throw new Refused("cannot read " + file + " or its git repository: " + e.getMessage(), null);
        }
    }

    /** The revision to return to, its image lines, and the run that converged on it if known. */
    private record Target(String commit, String subject, ImagePins pins, Optional<String> run) {}

    private Target named(Path file, String revision) throws IOException, InvalidStateException, Refused {
        StateRevisions.Snapshot snapshot = revisions.fileAt(file, revision).orElseThrow(() -> new Refused(
                "no commit named '" + revision + "' holds " + file.getFileName(), "name a commit of the state's"
                        + " repository (git log -- " + file + "), a tag, or HEAD~N"));
        return new Target(snapshot.commit(), snapshot.subject(),
                ImagePins.read(snapshot.text(), file + " at " + shortId(snapshot.commit())), Optional.empty());
    }

    private Target lastConverged(DesiredState state, ImagePins current, List<String> droplets)
            throws IOException, InvalidStateException, Refused {
        Path file = state.file();
        RollbackTargets.Target found;
        try {
            found = RollbackTargets.lastConvergedOther(ledgers.history(state, HISTORY_SEARCHED), current, droplets,
                    commit -> pinsAt(file, commit)).orElseThrow(() -> new Refused("the history has no converged"
                            + " apply of a commit whose images differ from the state's now",
                            "name the revision: fleet rollback --to COMMIT (git log -- " + file + ")"));
        } catch (LockException e) {
            throw new Refused("cannot read the fleet's history: " + e.getMessage(), "name the revision: fleet"
                    + " rollback --to COMMIT");
        }
        StateRevisions.Snapshot snapshot = revisions.fileAt(file, found.commit()).orElseThrow();
        return new Target(snapshot.commit(), snapshot.subject(), found.pins(), Optional.of(found.apply().run()));
    }

    private Optional<ImagePins> pinsAt(Path file, String commit) throws IOException {
        Optional<StateRevisions.Snapshot> snapshot = revisions.fileAt(file, commit);
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ImagePins.read(snapshot.get().text(), file + " at " + commit));
        } catch (InvalidStateException e) {
            return Optional.empty();
        }
    }

    /**
     * The text with the target's images on every image line that differs; each one in {@code changes}.
     * A droplet that had its own image then and has none now cannot be given one by an edit of lines.
     */
    private static String edit(Path file, String text, ImagePins current, ImagePins target, List<String> droplets,
            List<Change> changes) throws InvalidStateException, Refused {
        String edited = text;
        if (target.service().isPresent() && !target.service().equals(current.service())) {
            edited = replace(file, edited, Optional.empty(), target.service().get(), changes);
        }
        for (String droplet : droplets) {
            Optional<String> wanted = target.imageOf(droplet);
            if (current.droplets().getOrDefault(droplet, Optional.empty()).isPresent()) {
                if (wanted.isPresent() && !wanted.equals(current.droplets().get(droplet))) {
                    edited = replace(file, edited, Optional.of(droplet), wanted.get(), changes);
                }
            } else if (target.droplets().getOrDefault(droplet, Optional.empty()).isPresent()
                    && !wanted.equals(target.service())) {
                throw new Refused(droplet + " ran its own image at that commit (" + wanted.get() + ") and has no"
                        + " image line now", "add image: under " + droplet + " in " + file + ", commit, and run"
                        + " fleet rollback again");
            }
        }
        return edited;
    }

    private static String replace(Path file, String text, Optional<String> droplet, String image,
            List<Change> changes) throws InvalidStateException {
        ImageLine line = ImageLine.in(file, text, droplet);
        String edited = line.replacedWith(image);
        line.check(edited, image);
        changes.add(new Change(line.where(), line.current(), image));
        return edited;
    }

    private static String shortId(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }
}
