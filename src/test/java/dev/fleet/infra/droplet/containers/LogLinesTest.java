package dev.fleet.infra.droplet.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogLinesTest {

    private final List<String> texts = new ArrayList<>();
    private final List<Optional<Instant>> times = new ArrayList<>();

    @Test
    void aLineSplitAcrossPiecesIsHandedOnWholeWithItsTimestampTakenOff() {
        LogLines lines = new LogLines(true, this::take);

        write(lines, "2026-12-07T16:05:00.123456789Z hel");
        write(lines, "lo\n2026-12-07T16:05:01Z second\r\n");

        assertThat(texts).containsExactly("hello", "second");
        assertThat(times).containsExactly(Optional.of(Instant.parse("2026-12-07T16:05:00.123456789Z")),
                Optional.of(Instant.parse("2026-12-07T16:05:01Z")));
    }

    @Test
    void aLineLongerThanTheLimitIsCutMarkedAndItsRestDropped() {
        LogLines lines = new LogLines(false, this::take, 8);

        write(lines, "0123456789abcdef\nnext\n");

        assertThat(texts).containsExactly("01234567" + LogLines.CUT, "next");
    }

    @Test
    void aLastLineWithoutNewlineIsHandedOnAtTheEnd() {
        LogLines lines = new LogLines(false, this::take);

        write(lines, "done");
        assertThat(texts).isEmpty();
        lines.end();

        assertThat(texts).containsExactly("done");
    }

    @Test
    void textThatDoesNotStartWithATimestampIsKeptAsItIs() {
        LogLines lines = new LogLines(true, this::take);

        write(lines, "not-a-time text\n");

        assertThat(texts).containsExactly("not-a-time text");
        assertThat(times).containsExactly(Optional.empty());
    }

    private void take(Optional<Instant> time, String text) {
        times.add(time);
        texts.add(text);
    }

    private static void write(LogLines lines, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        lines.write(bytes, 0, bytes.length);
    }
}
