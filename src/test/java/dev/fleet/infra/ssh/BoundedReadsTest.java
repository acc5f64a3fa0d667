package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedReadsTest {

    @Test
    void readsAStreamWholeUpToTheLimit() throws IOException {
        assertThat(BoundedReads.whole(bytes(1000), 1000, "stdout")).hasSize(1000);
        assertThat(BoundedReads.whole(bytes(0), 1000, "stdout")).isEmpty();
    }

    @Test
    void refusesAStreamThatGoesOnPastTheLimit() {
        // A stream without end: only the limit and one byte are read.
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        assertThatThrownBy(() -> BoundedReads.whole(endless, 1024 * 1024, "stderr"))
                .isInstanceOf(BoundedReads.OverLimit.class).hasMessage("printed more than 1 MiB on stderr");
        assertThatThrownBy(() -> BoundedReads.whole(bytes(1001), 1000, "stdout"))
                .isInstanceOf(BoundedReads.OverLimit.class).hasMessage("printed more than 1000 bytes on stdout");
    }

    @Test
    void readsALineAtATimeAndNullAtTheEnd() throws IOException {
        var in = new ReadTimeoutInputStream(new ByteArrayInputStream("ready\nok\nlast".getBytes(StandardCharsets.UTF_8)), "x");
        in.setTimeout(Duration.ofSeconds(7));

        assertThat(BoundedReads.line(in, 100, Duration.ofSeconds(1), "x")).isEqualTo("ready");
        assertThat(BoundedReads.line(in, 100, Duration.ofSeconds(1), "x")).isEqualTo("ok");
        assertThat(BoundedReads.line(in, 100, Duration.ofSeconds(1), "x")).isEqualTo("last");
        assertThat(BoundedReads.line(in, 100, Duration.ofSeconds(1), "x")).isNull();
        assertThat(in.timeout()).as("the stream's own read timeout is put back").isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void refusesALineLongerThanTheLimit() {
        var in = new ReadTimeoutInputStream(new ByteArrayInputStream(("y".repeat(4097) + "\n").getBytes()), "journal");

        assertThatThrownBy(() -> BoundedReads.line(in, 4096, Duration.ofSeconds(1), "journal"))
                .isInstanceOf(BoundedReads.OverLimit.class).hasMessage("journal sent a line longer than 4 KiB");
    }

    /** A byte every 100 ms, never a newline; ends (-1) once closed, as sshj's channel input does. */
    private static final class TricklingChannel extends InputStream {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            try {
                return closed.await(100, TimeUnit.MILLISECONDS) ? -1 : '.';
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void aLineWhoseBytesTrickleEndsAtTheDeadlineNotAtEachRead() {
        var in = new ReadTimeoutInputStream(new TricklingChannel(), "'journal' on deploy@h:22");
        long started = System.nanoTime();

        assertThatThrownBy(() -> BoundedReads.line(in, 4096, Duration.ofMillis(700), "'journal' on deploy@h:22"))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessage("'journal' on deploy@h:22 sent no whole line within 700ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(600), Duration.ofSeconds(3));
    }

    private static InputStream bytes(int count) {
        return new ByteArrayInputStream(new byte[count]);
    }
}
