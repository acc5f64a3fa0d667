package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ReadTimeoutInputStreamTest {

    /** Blocks every read until closed, then reports the end of the stream, as sshj's channel input does. */
    private static final class SilentChannel extends InputStream {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return -1;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void aReadThatWaitsPastTheTimeoutThrowsSocketTimeoutAndStaysBroken() {
        var stream = new ReadTimeoutInputStream(new SilentChannel(), "'cat' on deploy@h:22");
        stream.setTimeout(Duration.ofMillis(200));
        long started = System.nanoTime();

        assertThatThrownBy(stream::read).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("'cat' on deploy@h:22 sent nothing within 200ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(2));
        assertThatThrownBy(stream::read).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void dataThatIsThereIsReadWithoutWaiting() throws IOException {
        var stream = new ReadTimeoutInputStream(new ByteArrayInputStream("answer".getBytes()), "x");
        stream.setTimeout(Duration.ofSeconds(5));
        long started = System.nanoTime();

        assertThat(new String(stream.readAllBytes())).isEqualTo("answer");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aZeroTimeoutWaitsForever() {
        var stream = new ReadTimeoutInputStream(new ByteArrayInputStream(new byte[0]), "x");
        assertThat(stream.timeout()).isZero();
        assertThatThrownBy(() -> stream.setTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
