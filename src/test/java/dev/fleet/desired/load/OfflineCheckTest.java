package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.StateProblem;
import dev.fleet.desired.load.BrokenStateFiles.Expected;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StateLoader#offline}, what {@code fleet validate} checks with: everything the file says,
 * nothing only the machine that runs fleet has (its environment, the key, known_hosts, the secret
 * files, git).
 */
class OfflineCheckTest {

    /**
     * Problems with what the machine that runs fleet lacks, not with the file: an unset variable, a
     * missing key, known_hosts or secret file, no identity file without an agent.
     */
    private static final Pattern ONLINE_ONLY =
            Pattern.compile("identity-file' is missing|does not exist|is not set in fleet");

    @TempDir
    Path dir;

    private final StateLoader offline = StateLoader.offline(Map.of());

    @Test
    void theExampleIsValidWithNoEnvironmentAndNothingBesideIt() throws Exception {
        Path file = Files.copy(Path.of("fleet-state/example.yaml"), dir.resolve("fleet.yaml"));

        StateLoader.Checked checked = offline.check(file);

        assertThat(checked.droplets()).containsExactly("droplet-1", "droplet-2", "droplet-3");
        assertThat(checked.image().reference()).startsWith("registry.example.com/team/demo@sha256:4f53cda1");
        assertThat(checked.balancer()).isEqualTo("haproxy");
        assertThat(checked.file()).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(dir.resolve("known_hosts")).doesNotExist();
    }

    @Test
    void theServicesExampleIsValidOfflineAndListsEachServiceWithItsRoleAndDroplets() throws Exception {
        Path file = Files.copy(Path.of("fleet-state/example-services.yaml"), dir.resolve("fleet.yaml"));

        StateLoader.Checked checked = offline.check(file);

        assertThat(checked.droplets()).containsExactly("droplet-1", "droplet-2", "droplet-3");
        assertThat(checked.services()).containsExactly(
                new StateLoader.Checked.Service("web", "traffic", List.of("droplet-1", "droplet-2", "droplet-3")),
                new StateLoader.Checked.Service("worker", "worker", List.of("droplet-1", "droplet-2")),
                new StateLoader.Checked.Service("db", "accessory", List.of("droplet-3")));
    }

    static List<String> brokenFiles() {
        return BrokenStateFiles.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void aBrokenFileIsRefusedWithTheSameProblemsAsWhenLoadedButThoseOfTheMachine(String name) throws Exception {
        Path file = Files.copy(BrokenStateFiles.source(name), dir.resolve("fleet.yaml"));
        List<Expected> expected = BrokenStateFiles.expectations(Files.readAllBytes(file)).stream()
                .filter(want -> !ONLINE_ONLY.matcher(want.message().pattern()).find()).toList();
        if (expected.isEmpty()) {
            assertThat(offline.check(file).droplets()).as(name).isNotEmpty();
            return;
        }

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> offline.check(file));

        assertThat(e).as("%s must be refused", name).isNotNull();
        assertThat(e.problems()).as(e.getMessage()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            StateProblem problem = e.problems().get(i);
            assertThat(problem.line() + ":" + problem.column()).as(e.getMessage()).isEqualTo(expected.get(i).position());
            assertThat(problem.message()).as(e.getMessage()).containsPattern(expected.get(i).message());
        }
    }

    @Test
    void aSecretsNameIsStillChecked() {
        Path file = write(readString(Path.of("fleet-state/example.yaml"))
                .replace("secret-from-env: FLEET_SECRET_API_TOKEN", "secret-from-env: GITHUB_TOKEN"));

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> offline.check(file));

        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains("GITHUB_TOKEN is not a variable a state may read"));
    }

    @Test
    void anOfflineLoaderGivesNoStateToActOn() throws Exception {
        Path file = Files.copy(Path.of("fleet-state/example.yaml"), dir.resolve("fleet.yaml"));

        assertThatThrownBy(() -> offline.load(file)).isInstanceOf(IllegalStateException.class);
    }

    private Path write(String yaml) {
        try {
            return Files.writeString(dir.resolve("fleet.yaml"), yaml);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
