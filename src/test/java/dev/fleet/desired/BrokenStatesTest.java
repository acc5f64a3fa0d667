package dev.fleet.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code states/broken/} is a realistic mistake. Its first lines state the problems
 * the loader must report, one {@code # expect: LINE:COLUMN REGEX} line per problem, in file order;
 * the loader must report exactly those (so the file has no other mistake), each at that position,
 * its message matching the regex.
 */
class BrokenStatesTest {

    private static final Pattern EXPECT = Pattern.compile("# expect: (\\d+):(\\d+) (.+)");

    @TempDir
    Path dir;

    static Stream<String> brokenFiles() throws IOException {
        try (Stream<Path> files = Files.list(StateFixture.resource("broken"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void thereAreAtLeastThirtyBrokenFiles() throws IOException {
        assertThat(brokenFiles()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void brokenFileIsRefusedWithExactlyTheExpectedProblems(String name) throws IOException {
        StateFixture fixture = new StateFixture(dir);
        Path file = fixture.copy(StateFixture.resource("broken/" + name), "fleet.yaml");
        List<Expected> expected = expectations(file);

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

    private record Expected(String position, Pattern message) {}

    /**
     * The expect lines at the top of the file. NUL bytes are dropped first, so that a UTF-16 file
     * can state its expectation too.
     */
    private static List<Expected> expectations(Path file) throws IOException {
        String head = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).replace("\0", "");
        List<Expected> expected = new ArrayList<>();
        for (String line : head.split("\n")) {
            Matcher m = EXPECT.matcher(line.strip());
            if (!m.matches()) {
                break;
            }
            expected.add(new Expected(m.group(1) + ":" + m.group(2), Pattern.compile(m.group(3))));
        }
        assertThat(expected).as("%s starts with # expect: LINE:COLUMN REGEX lines", file).isNotEmpty();
        return expected;
    }
}
