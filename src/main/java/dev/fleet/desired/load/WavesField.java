package dev.fleet.desired.load;

import dev.fleet.desired.OnFailure;
import dev.fleet.desired.WaveSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code rollout.waves}, the sizes of successive waves (counts, or percentages of the droplets
 * an apply moves), and {@code rollout.on-failure}, whose default depends on them.
 */
final class WavesField {

    private static final Pattern SIZE = Pattern.compile("([1-9][0-9]{0,5})(%?)");
    private static final Pattern ON_FAILURE = Pattern.compile("stop|revert");

    private WavesField() {}

    /** The waves, empty when the key is not there (one droplet at a time). */
    static Optional<List<WaveSize>> read(Optional<Field> field) {
        if (field.isEmpty()) {
            return Optional.of(List.of());
        }
        return field.get().list().flatMap(elements -> {
            if (elements.isEmpty()) {
                field.get().problem("the list is empty", "give the sizes of the waves, such as [1, 30%, 100%],"
                        + " or leave waves out to move one droplet at a time");
                return Optional.empty();
            }
            List<WaveSize> sizes = new ArrayList<>();
            for (Field element : elements) {
                size(element).ifPresent(sizes::add);
            }
            return sizes.size() == elements.size() ? Optional.of(sizes) : Optional.empty();
        });
    }

    /**
     * {@code on-failure}: {@code revert} by default when the rollout runs in waves and may roll back,
     * {@code stop} otherwise; {@code revert} without {@code auto-rollback} is a contradiction.
     */
    static Optional<OnFailure> onFailure(Optional<Field> field, boolean inWaves, boolean autoRollback) {
        if (field.isEmpty()) {
            return Optional.of(inWaves && autoRollback ? OnFailure.REVERT : OnFailure.STOP);
        }
        return field.get().text(ON_FAILURE, "what a failure does", "stop (the droplets already moved stay on the new"
                + " version) or revert (they go back to what they ran before the apply)").flatMap(word -> {
                    if (word.equals("revert") && !autoRollback) {
                        field.get().problem("revert needs auto-rollback, which is false here: a droplet that failed"
                                + " would stay as it is while the others go back", "set auto-rollback: true, or"
                                + " on-failure: stop");
                        return Optional.empty();
                    }
                    return Optional.of(word.equals("revert") ? OnFailure.REVERT : OnFailure.STOP);
                });
    }

    private static Optional<WaveSize> size(Field element) {
        return element.text(SIZE, "a wave size", "a number of droplets (such as 1) or a share of the droplets the"
                + " apply moves (such as 30%)").flatMap(text -> {
                    Matcher matcher = SIZE.matcher(text);
                    matcher.matches();
                    int amount = Integer.parseInt(matcher.group(1));
                    if (matcher.group(2).isEmpty()) {
                        return Optional.of(WaveSize.droplets(amount));
                    }
                    if (amount > 100) {
                        element.problem(text + " is more than every droplet", "at most 100%");
                        return Optional.empty();
                    }
                    return Optional.of(WaveSize.share(amount));
                });
    }
}
