package dev.fleet.desired;

import java.util.List;

/** Which droplets a service runs on. */
public sealed interface Placement {

    /** Whether the service runs on {@code droplet}. */
    boolean includes(DropletSpec droplet);

    /** Every droplet of the fleet: the default, and the only placement of the single {@code service:} form. */
    record Everywhere() implements Placement {
        @Override
        public boolean includes(DropletSpec droplet) {
            return true;
        }
    }

    /**
     * The droplets named, or carrying one of the tags named, in {@code selectors} ({@code on: [web,
     * db-1]}). The state file's reader has checked that each selector names a droplet or a tag.
     */
    record On(List<String> selectors) implements Placement {

        public On {
            selectors = List.copyOf(selectors);
        }

        @Override
        public boolean includes(DropletSpec droplet) {
            return selectors.contains(droplet.name()) || droplet.tags().stream().anyMatch(selectors::contains);
        }
    }

    Placement EVERYWHERE = new Everywhere();
}
