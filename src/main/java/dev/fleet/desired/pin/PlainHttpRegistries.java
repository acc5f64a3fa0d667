package dev.fleet.desired.pin;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The registries on other machines that fleet may ask over plain http, as a Docker engine's {@code
 * insecure-registries} setting names them: {@value #VARIABLE} in fleet's environment, {@code
 * host[:port]} entries separated by commas or spaces. A setting of the machine that runs fleet, not of
 * the state: whoever can push to the state repository cannot send a registry password in clear text.
 * A registry on this machine's loopback needs no entry.
 *
 * @param registries the entries, in lower case
 */
public record PlainHttpRegistries(Set<String> registries) implements Predicate<String> {

    public static final String VARIABLE = "FLEET_INSECURE_REGISTRIES";

    public PlainHttpRegistries {
        registries = Set.copyOf(registries);
    }

    /** The entries of {@value #VARIABLE} in {@code environment}; none when it is unset. */
    public static PlainHttpRegistries from(Map<String, String> environment) {
        String text = environment.getOrDefault(VARIABLE, "");
        return new PlainHttpRegistries(Arrays.stream(text.split("[,\\s]+")).map(String::strip)
                .filter(entry -> !entry.isEmpty()).map(entry -> entry.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet()));
    }

    /** Whether {@code registry} ({@code host[:port]}, as an image reference names it) is listed. */
    @Override
    public boolean test(String registry) {
        return registries.contains(registry.toLowerCase(Locale.ROOT));
    }
}
