package dev.fleet.desired.load;

import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Placement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads the {@code on:} of an item of {@code services:}, which droplets it runs on: the word {@code
 * all}, or a list of droplet names and droplet tags, each naming a droplet or a tag some droplet
 * has (checked only when the droplets could be read; otherwise their own problems say why).
 */
final class PlacementField {

    private PlacementField() {}

    static Optional<Placement> read(Field field, Optional<List<DropletSpec>> droplets) {
        if (field.node() instanceof ScalarNode && !field.isNothing()) {
            return field.text().flatMap(text -> {
                if (text.equals("all")) {
                    return Optional.of(Placement.EVERYWHERE);
                }
                field.problem("expected a list of droplet names and tags, or all, found " + Text.quote(text),
                        "write on: [" + text + "] for the droplets named or tagged so, or on: all for every droplet");
                return Optional.empty();
            });
        }
        return ContainerKeys.uniqueTexts(field, (selector, element) -> known(selector, element, droplets),
                "list a droplet or a tag once").flatMap(selectors -> {
                    if (selectors.isEmpty()) {
                        field.problem("the list is empty: the service would run on no droplet",
                                "list droplet names or tags, or leave on out to run it on every droplet");
                        return Optional.empty();
                    }
                    Placement.On on = new Placement.On(selectors);
                    // Each selector names a droplet or a tag some droplet has, so this cannot happen; checked
                    // all the same, since a service on no droplet would be silently never deployed.
                    if (droplets.isPresent() && droplets.get().stream().noneMatch(on::includes)) {
                        field.problem("selects no droplet", "list droplet names or tags the droplets have");
                        return Optional.empty();
                    }
                    return Optional.of(on);
                });
    }

    /**
     * Whether {@code placement}, the traffic service's, is every droplet: the balancer sends every
     * droplet traffic, so a droplet without it would answer with errors. A problem at {@code on} when
     * it is not.
     */
    static boolean everyDroplet(Field on, Placement placement, List<DropletSpec> droplets) {
        List<String> left = droplets.stream().filter(d -> !placement.includes(d)).map(DropletSpec::name).toList();
        if (left.isEmpty()) {
            return true;
        }
        on.problem("leaves out " + String.join(", ", left) + ": the traffic service runs on every droplet, since the"
                + " balancer sends every droplet traffic", "leave on out for the traffic service (or write on: all),"
                + " and place the other services with their own on");
        return false;
    }

    private static boolean known(String selector, Field element, Optional<List<DropletSpec>> droplets) {
        if (droplets.isEmpty()) {
            return true;
        }
        Set<String> names = new LinkedHashSet<>();
        Set<String> tags = new LinkedHashSet<>();
        for (DropletSpec droplet : droplets.get()) {
            names.add(droplet.name());
            tags.addAll(droplet.tags());
        }
        if (names.contains(selector) || tags.contains(selector)) {
            return true;
        }
        List<String> all = new ArrayList<>(names);
        all.addAll(tags);
        String hint = selector.equals("all") ? "write on: all, not in a list, for every droplet"
                : "droplets: " + String.join(", ", names)
                        + (tags.isEmpty() ? "; no droplet has tags" : "; tags: " + String.join(", ", tags));
        element.problem(Text.quote(selector) + " names no droplet and no droplet's tag" + Suggestions.closest(selector,
                all).map(close -> "; did you mean '" + close + "'?").orElse(""), hint);
        return false;
    }
}
