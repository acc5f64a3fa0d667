package dev.fleet.desired.load;

import dev.fleet.desired.RegistryCredentials;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code registry:}, the credentials droplets pull with. */
final class RegistrySection {

    static final Set<String> KEYS = Sections.keys("server", "username", "password-from-env", "password-from-file");

    private static final Pattern SERVER = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?");
    private static final Pattern USERNAME = Pattern.compile("[^\\s:]+");

    private RegistrySection() {}

    static Optional<RegistryCredentials> read(Field field, LoadContext context) {
        return field.mapping(KEYS).flatMap(registry -> {
            Optional<String> server = registry.required("server").flatMap(f -> f.text(SERVER, "a registry host[:port]",
                    "the registry's host name as in the image reference, e.g. registry.example.com:5000"));
            Optional<String> username = registry.required("username")
                    .flatMap(f -> f.text(USERNAME, "a valid user name", "no spaces and no ':'"));
            Optional<Field> fromEnv = registry.optional("password-from-env");
            Optional<Field> fromFile = registry.optional("password-from-file");
            Optional<Secrets.Resolved> password;
            if (fromEnv.isPresent() && fromFile.isPresent()) {
                fromFile.get().problem("give either password-from-env or password-from-file, not both");
                password = Optional.empty();
            } else if (fromEnv.isEmpty() && fromFile.isEmpty()) {
                registry.missing("required key 'password-from-env' (or 'password-from-file') is missing",
                        "name the environment variable or the file that holds the password; never the password");
                password = Optional.empty();
            } else {
                password = fromEnv.map(f -> Secrets.fromEnv(f, context))
                        .orElseGet(() -> Secrets.fromFile(fromFile.get(), context));
            }
            if (!Sections.allPresent(server, username, password)) {
                return Optional.empty();
            }
            return Optional.of(new RegistryCredentials(server.get(), username.get(), password.get().secret()));
        });
    }
}
