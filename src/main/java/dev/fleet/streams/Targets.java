package dev.fleet.streams;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The droplets and the service a command names, found in the state; an unknown name is refused
 * with a message that lists the state's own.
 */
public final class Targets {

    private Targets() {}

    /** The droplet named {@code name}. */
    public static DropletSpec droplet(DesiredState state, String name) throws UnknownTarget {
        return state.droplets().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new UnknownTarget("no droplet named " + name + " in " + state.file()
                        + "; its droplets are " + names(state.droplets().stream().map(DropletSpec::name).toList())));
    }

    /** Each droplet of {@code names}, all when there are none; the first unknown one refuses. */
    public static List<DropletSpec> droplets(DesiredState state, List<String> names) throws UnknownTarget {
        if (names.isEmpty()) {
            return state.droplets();
        }
        List<DropletSpec> found = new ArrayList<>();
        for (String name : names) {
            found.add(droplet(state, name));
        }
        return List.copyOf(found);
    }

    /** The service named {@code name}; without a name, the state's only one. */
    public static ServiceSpec service(DesiredState state, Optional<String> name) throws UnknownTarget {
        List<String> all = state.services().stream().map(ServiceSpec::name).toList();
        if (name.isEmpty()) {
            if (state.services().size() == 1) {
                return state.services().getFirst();
            }
            throw new UnknownTarget("the state runs " + all.size() + " services: name one with --service ("
                    + names(all) + ")");
        }
        return state.service(name.get()).orElseThrow(() -> new UnknownTarget("no service named " + name.get() + " in "
                + state.file() + "; its services are " + names(all)));
    }

    private static String names(List<String> names) {
        return names.stream().collect(Collectors.joining(", "));
    }

    /** A droplet or service the state does not have, or a service left unnamed among several; the message says which. */
    public static final class UnknownTarget extends StreamException {
        public UnknownTarget(String message) {
            super(message, false, null);
        }
    }
}
