package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.StateProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a state may read from the machine that runs fleet: variables made for it (FLEET_SECRET_...)
 * and files inside the secrets folder, links followed. Whoever can push the state is not thereby
 * whoever runs fleet, so fleet's own token, its SSH key and the machine's files stay out of reach,
 * with a problem at the key's position that says where secrets may come from.
 *
 * <p>The files are {@code states/valid/minimal.yaml} with an environment added after {@code ports:}
 * (line 5): its variable is on line 7.
 */
class SecretsBoundaryTest {

    @TempDir
    Path dir;

    /** Fleet's user's home and other files of the machine, outside the state's folder. */
    @TempDir
    Path machine;

    private StateFixture fixture;
    private Path home;

    @BeforeEach
    void prepare() {
        fixture = new StateFixture(dir);
        fixture.env.put("FLEET_GIT_TOKEN", "fleet-own-git-token-9Zq");
        // The fixture's home is inside the state's folder; fleet's user's home is not, in real life.
        home = machine.resolve("home");
        try {
            Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("fleet_ed25519"), "ssh-key-2Lm\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        fixture.env.put("HOME", home.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLEET_GIT_TOKEN", "HOME", "AWS_SECRET_ACCESS_KEY", "FLEET_SECRET_"})
    void aVariableNotMadeForTheStateIsRefusedWithoutReadingIt(String name) throws IOException {
        StateProblem problem = fixture.single(environment("{ secret-from-env: " + name + " }"));

        assertThat(position(problem)).isEqualTo("7:31");
        assertThat(problem.message()).isEqualTo("service.environment.TOKEN.secret-from-env: " + name
                + " is not a variable a state may read: only names that start with FLEET_SECRET_");
        assertThat(problem.render()).doesNotContain("fleet-own-git-token-9Zq");
    }

    @Test
    void theRefusalSaysWhichNameToExportInstead() throws IOException {
        StateProblem problem = fixture.single(environment("{ secret-from-env: FLEET_GIT_TOKEN }"));

        assertThat(problem.hint().orElseThrow()).contains("export the secret as FLEET_SECRET_GIT_TOKEN");
    }

    @Test
    void aVariableMadeForTheStateIsRead() throws Exception {
        var state = fixture.loader().load(fixture.write("fleet.yaml",
                environment("{ secret-from-env: FLEET_SECRET_API_TOKEN }")));

        assertThat(secret(state, "TOKEN")).isEqualTo(StateFixture.API_TOKEN);
    }

    @Test
    void theRegistryPasswordAndTheDnsTokenFollowTheSameRule() throws IOException {
        String state = minimal() + """
                registry:
                  server: registry.example.com
                  username: ci
                  password-from-env: FLEET_GIT_TOKEN
                dns:
                  provider: cloudflare
                  name: www.example.com
                  zone-id: 023e105f4ecef8ad9ca31a8372d0c353
                  api-token-from-env: FLEET_GIT_TOKEN
                """;

        List<StateProblem> problems = fixture.problems(state);

        assertThat(problems).extracting(StateProblem::message).containsExactlyInAnyOrder(
                "registry.password-from-env: FLEET_GIT_TOKEN is not a variable a state may read: only names that"
                        + " start with FLEET_SECRET_",
                "dns.api-token-from-env: FLEET_GIT_TOKEN is not a variable a state may read: only names that start"
                        + " with FLEET_SECRET_");
    }

    @ParameterizedTest
    @ValueSource(strings = {"~/.ssh/fleet_ed25519", "../outside", "/etc/passwd", "secrets/../../outside"})
    void aFileOutsideTheSecretsFolderIsRefusedWithoutReadingIt(String path) throws IOException {
        Files.writeString(machine.resolve("outside"), "outside-secret-4Rw\n");

        StateProblem problem = fixture.single(environment("{ secret-from-file: \"" + path + "\" }"));

        assertThat(position(problem)).isEqualTo("7:32");
        assertThat(problem.message()).endsWith(" is outside the secrets folder");
        assertThat(problem.hint().orElseThrow()).contains("secret files live in " + dir.toAbsolutePath().normalize(),
                "FLEET_SECRETS_DIR");
        assertThat(problem.render()).doesNotContain("outside-secret-4Rw", "ssh-key-2Lm");
    }

    @Test
    void aLinkInsideTheFolderThatLeadsOutsideIsRefused() throws IOException {
        Path outside = Files.writeString(machine.resolve("outside-key"), "outside-secret-4Rw\n");
        Files.createSymbolicLink(dir.resolve("secrets/innocent"), outside);
        Files.createSymbolicLink(dir.resolve("linked"), home.resolve(".ssh"));

        StateProblem viaFile = fixture.single(environment("{ secret-from-file: secrets/innocent }"));
        StateProblem viaFolder = fixture.single(environment("{ secret-from-file: linked/fleet_ed25519 }"));

        assertThat(viaFile.message()).endsWith("secrets/innocent leads outside the secrets folder through a symbolic"
                + " link");
        assertThat(viaFolder.message()).endsWith("linked/fleet_ed25519 leads outside the secrets folder through a"
                + " symbolic link");
        assertThat(viaFile.render() + viaFolder.render()).doesNotContain("outside-secret-4Rw", "ssh-key-2Lm");
    }

    @Test
    void aLinkThatStaysInsideTheFolderIsFollowed() throws Exception {
        Files.createSymbolicLink(dir.resolve("current"), dir.resolve("secrets/session-key"));

        var state = fixture.loader().load(fixture.write("fleet.yaml",
                environment("{ secret-from-file: current }")));

        assertThat(secret(state, "TOKEN"))
                .isEqualTo(StateFixture.SESSION_KEY);
    }

    @Test
    void theOperatorsSecretsFolderReplacesTheStatesFolder() throws Exception {
        Path vault = Files.createDirectories(machine.resolve("vault"));
        Files.writeString(vault.resolve("api-token"), "vault-secret\n");
        fixture.env.put("FLEET_SECRETS_DIR", vault.toString());

        var state = fixture.loader().load(fixture.write("fleet.yaml",
                environment("{ secret-from-file: " + vault.resolve("api-token") + " }")));
        StateProblem besideTheState = fixture.single(environment("{ secret-from-file: secrets/session-key }"));

        assertThat(secret(state, "TOKEN")).isEqualTo("vault-secret");
        assertThat(besideTheState.message()).endsWith("secrets/session-key is outside the secrets folder");
        assertThat(besideTheState.hint().orElseThrow()).contains("secret files live in " + vault);
    }

    @Test
    void aRelativeSecretsFolderIsRefusedAtTheKeyThatNeedsIt() throws IOException {
        fixture.env.put("FLEET_SECRETS_DIR", "secrets");

        StateProblem problem = fixture.single(environment("{ secret-from-file: secrets/session-key }"));

        assertThat(position(problem)).isEqualTo("7:32");
        assertThat(problem.message()).endsWith("FLEET_SECRETS_DIR in fleet's environment (\"secrets\") is not an"
                + " absolute path");
    }

    // --- helpers

    private static String secret(DesiredState state, String name) {
        return ((EnvValue.SecretValue) state.service().container().environment().get(name)).value().reveal();
    }

    private static String position(StateProblem problem) {
        return problem.line() + ":" + problem.column();
    }

    /** minimal.yaml whose service has one variable, TOKEN, on line 7. */
    private static String environment(String value) throws IOException {
        return minimal().replace("  ports: [\"80:80\"]\n", "  ports: [\"80:80\"]\n  environment:\n    TOKEN: " + value + "\n");
    }

    private static String minimal() throws IOException {
        return Files.readString(StateFixture.resource("valid/minimal.yaml"));
    }
}
