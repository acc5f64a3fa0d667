package dev.fleet.streams;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The droplets and the service a command names, found in the state, or why not, in words. */
public final class Targets {

    private Targets() {}

    /** The droplet named {@code name}, or the message naming the state's droplets. */
    public static Choice<DropletSpec> droplet(DesiredState state, String name) {
        return state.droplets().stream().filter(d -> d.name().equals(name)).findFirst()
                .<Choice<DropletSpec>>map(Choice.Found::new)
                .orElseGet(() -> new Choice.Refused<>("no droplet named " + name + " in " + state.file()
                        + "; its droplets are " + names(state.droplets().stream().map(DropletSpec::name).toList())));
    }

    /** Each droplet of {@code names}, all when there are none; the first unknown one refuses. */
    public static Choice<List<DropletSpec>> droplets(DesiredState state, List<String> names) {
        if (names.isEmpty()) {
            return new Choice.Found<>(state.droplets());
        }
        List<DropletSpec> found = new ArrayList<>();
        for (String name : names) {
            switch (droplet(state, name)) {
                case Choice.Found<DropletSpec> one -> found.add(one.value());
                case Choice.Refused<DropletSpec> refused -> {
                    return new Choice.Refused<>(refused.message());
                }
            }
        }
        return new Choice.Found<>(List.copyOf(found));
    }

    /** The service named {@code name}; without a name, the state's only one, else a message listing them. */
    public static Choice<ServiceSpec> service(DesiredState state, Optional<String> name) {
        List<String> all = state.services().stream().map(ServiceSpec::name).toList();
        if (name.isEmpty()) {
            return state.services().size() == 1 ? new Choice.Found<>(state.services().getFirst())
                    : new Choice.Refused<>("the state runs " + all.size() + " services: name one with --service ("
                            + names(all) + ")");
        }
        return state.service(name.get()).<Choice<ServiceSpec>>map(Choice.Found::new).orElseGet(() ->
                new Choice.Refused<>("no service named " + name.get() + " in " + state.file() + "; its services are "
                        + names(all)));
    }

    private static String names(List<String> names) {
        return names.stream().collect(Collectors.joining(", "));
    }

    /** A thing found, or the reason it was not. */
    public sealed interface Choice<T> {
        record Found<T>(T value) implements Choice<T> {}

        record Refused<T>(String message) implements Choice<T> {}
    }
}
