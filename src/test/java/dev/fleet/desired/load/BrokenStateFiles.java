package dev.fleet.desired.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files under {@code states/broken/}: each a realistic mistake, whose first lines state the
 * problems the loader must report, one {@code # expect: LINE:COLUMN REGEX} line per problem, in
 * file order.
 */
public final class BrokenStateFiles {

    private static final Pattern EXPECT = Pattern.compile("# expect: (\\d+):(\\d+) (.+)");

    /** One problem a broken file must be refused with. */
    public record Expected(int line, int column, Pattern message) {
        public String position() {
            return line + ":" + column;
        }
    }

    private BrokenStateFiles() {}

    /** The names of all broken files, sorted. */
    public static List<String> names() {
        try (Stream<Path> files = Files.list(StateFixture.resource("broken"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path source(String name) {
        return StateFixture.resource("broken/" + name);
    }

    /**
     * The expect lines at the top of {@code content}. NUL bytes are dropped first, so that a UTF-16
     * file can state its expectation too.
     *
     * @throws IllegalArgumentException if there is none
     */
    public static List<Expected> expectations(byte[] content) {
        String head = new String(content, StandardCharsets.ISO_8859_1).replace("\0", "");
        List<Expected> expected = new ArrayList<>();
        for (String line : head.split("\n")) {
            Matcher m = EXPECT.matcher(line.strip());
            if (!m.matches()) {
                break;
            }
            expected.add(new Expected(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Pattern.compile(m.group(3))));
        }
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("a broken state file starts with # expect: LINE:COLUMN REGEX lines");
        }
        return expected;
    }
}
