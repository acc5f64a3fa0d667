package dev.fleet.desired.load;

import dev.fleet.desired.Hosts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where an HTTP API that fleet sends a token to is (a DNS provider's, a cloud's), which is set by
 * whoever runs fleet, in fleet's environment, never by the state. The state may live in a
 * repository that more people can push to than can log in where fleet runs: none of them may send
 * the token to a host of their choosing.
 */
final class OperatorApi {

    private OperatorApi() {}

    /**
     * Refuses a key {@code api} in {@code section}, if there is one, naming {@code variable} as the
     * place to set it instead.
     *
     * @param elsewhere what setting the variable is for, after "set VARIABLE in fleet's environment"
     * @return whether the section had one
     */
    static boolean refusedInState(MappingReader section, String variable, String what, String elsewhere) {
        Optional<MappingReader.Entry> stateApi = section.entry("api");
        stateApi.ifPresent(entry -> entry.keyField().problem("is not the state's to say: where the " + what
                + " is, and so where its token is sent, is set by whoever runs fleet", "remove it; set " + variable
                + " in fleet's environment" + elsewhere));
        return stateApi.isPresent();
    }

    /**
     * Why {@code text} cannot be an API's base URL ("is plain http to another machine"), or empty
     * when it can: https, or plain http to this machine's loopback only, with no user part, query or
     * fragment.
     */
    static Optional<String> wrong(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme();
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                return Optional.of("is not an http or https URL");
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.of("has a user, a query or a fragment: it is the API's base URL only");
            }
            if (Hosts.isPlainHttpToAnotherMachine(uri)) {
                return Optional.of("is plain http to another machine: the token would cross the network unencrypted");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
    }

    /** How the variable's value is shown in a message: not at all when it may hold a password (a user part). */
    static String shown(String variable, String text) {
        return variable + " in fleet's environment" + (text.contains("@") ? "" : " (" + Text.quote(text) + ")");
    }
}
