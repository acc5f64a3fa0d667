package dev.fleet.desired.load;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Helpers the section readers share. */
final class Sections {

    private Sections() {}

    /**
     * Whether every part of a section was read. A section builds its record only then; an empty part
     * has already recorded its problem, so the section returns empty without adding one.
     */
    static boolean allPresent(Optional<?>... parts) {
        for (Optional<?> part : parts) {
            if (part.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Known keys in documentation order, as "known keys here" hints list them. */
    static Set<String> keys(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
