package dev.fleet.desired.load;

import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.RegistryCredentials;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads only the {@code registry:} section of a state file and resolves its password, for a command
 * that talks to the registry and nothing else ({@code fleet set-image}): unlike {@link StateLoader},
 * it needs no SSH identity file, no other secret and no git repository, so it works on a laptop
 * without the deploy key.
 *
 * <p>Reads the file and the password's file, if the state names one; writes nothing. Never puts the
 * password in a message.
 */
public final class RegistryLogin {

    private final Map<String, String> environment;

    /** @param environment fleet's environment, where {@code password-from-env} looks */
    public RegistryLogin(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /**
     * The state's registry credentials when they are for a server {@code wanted} accepts; empty when
     * the state has no {@code registry:} section or it is for another server (then its password is
     * not even looked up, so a state for a private registry can still name a public image).
     *
     * @throws InvalidStateException when the file or the section is broken, or the password cannot be read
     */
    public Optional<RegistryCredentials> read(Path file, Predicate<String> wanted) throws InvalidStateException {
        Problems problems = new Problems(file);
        LoadContext context = new LoadContext(file.toAbsolutePath().normalize().getParent(), environment, problems);
        Optional<Field> section = SafeYaml.read(file, problems)
                .flatMap(root -> new Field("", root, problems).freeMapping())
                .flatMap(root -> root.optional("registry"));
        problems.throwIfAny();
        boolean forOtherServer = section.filter(f -> f.node() instanceof MappingNode)
                .flatMap(f -> f.freeMapping().flatMap(m -> m.optional("server")))
                .filter(f -> f.node() instanceof ScalarNode s && !wanted.test(s.getValue())).isPresent();
        if (forOtherServer) {
            return Optional.empty();
        }
        Optional<RegistryCredentials> credentials = section.flatMap(f -> RegistrySection.read(f, context));
        problems.throwIfAny();
        return credentials;
    }
}
