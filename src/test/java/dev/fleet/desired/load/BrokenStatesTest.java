package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.StateProblem;
import dev.fleet.desired.load.BrokenStateFiles.Expected;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code states/broken/} is refused with exactly the problems it states (so the
 * file has no other mistake), each at its position, its message matching the regex. The same files
 * go through the {@code fleet} process in {@code BrokenStateCliIT}.
 */
class BrokenStatesTest {

    @TempDir
    Path dir;

    static List<String> brokenFiles() {
        return BrokenStateFiles.names();
    }

    @Test
    void thereAreAtLeastThirtyBrokenFiles() {
        assertThat(brokenFiles()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void brokenFileIsRefusedWithExactlyTheExpectedProblems(String name) throws IOException {
        StateFixture fixture = new StateFixture(dir);
        Path file = fixture.copy(BrokenStateFiles.source(name), "fleet.yaml");
        List<Expected> expected = BrokenStateFiles.expectations(Files.readAllBytes(file));

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e).as("%s must be refused", name).isNotNull();
        assertThat(e.problems()).as(e.getMessage()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            StateProblem problem = e.problems().get(i);
            Expected want = expected.get(i);
            assertThat(problem.line() + ":" + problem.column()).as(e.getMessage()).isEqualTo(want.position());
            assertThat(problem.message()).as(e.getMessage()).containsPattern(want.message());
        }
    }
}
