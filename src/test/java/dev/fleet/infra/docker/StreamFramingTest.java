package dev.fleet.infra.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of an exec's and the logs' streams: the answer's head, Docker's frames, HTTP chunks. */
class StreamFramingTest {

    @Test
    void anIdFromTheEngineThatWouldEndTheRequestLineIsRefusedBeforeAnythingIsSent() {
        // No channel: the refusal must come before the request is written anywhere.
        assertThatThrownBy(() -> EngineStream.open(null, "POST", "/exec/0a1b\r\nX-Injected: 1/start", Optional.empty(),
                true, Duration.ofSeconds(1)))
                .isInstanceOf(IOException.class).hasMessageContaining("/exec/0a1b??X-Injected:?1/start");
    }

    @Test
    void anUpgradeAnswersHeadIsReadWithoutTakingAByteOfTheStreamAfterIt() throws IOException {
        InputStream in = stream("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello");

        HttpHead head = HttpHead.read(in, HttpHead.LIMIT);

        assertThat(head.status()).isEqualTo(101);
        assertThat(head.reason()).isEqualTo("UPGRADED");
        assertThat(head.header("upgrade")).contains("tcp");
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void aHeadLongerThanTheLimitIsRefused() {
        InputStream in = stream("HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(20_000) + "\r\n\r\n");

        assertThatThrownBy(() -> HttpHead.read(in, HttpHead.LIMIT)).isInstanceOf(IOException.class)
                .hasMessageContaining("longer than 16 KiB");
    }

    @Test
    void somethingThatIsNotHttpOrEndsEarlyIsRefused() {
        assertThatThrownBy(() -> HttpHead.read(stream("SSH-2.0-OpenSSH\r\n\r\n"), HttpHead.LIMIT))
                .hasMessageContaining("did not answer in HTTP/1.1");
        assertThatThrownBy(() -> HttpHead.read(stream("HTTP/1.1 200 OK\r\nA: b\r\n"), HttpHead.LIMIT))
                .hasMessageContaining("before its answer's head ended");
        assertThatThrownBy(() -> HttpHead.read(stream("HTTP/1.1 2x0 OK\r\n\r\n"), HttpHead.LIMIT))
                .hasMessageContaining("bad status line");
    }

    @Test
    void aChunkedAnswerIsTold() throws IOException {
        HttpHead head = HttpHead.read(stream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), HttpHead.LIMIT);

        assertThat(head.chunked()).isTrue();
        assertThat(head.contentLength()).isEmpty();
    }

    @Test
    void theEnginesClockIsReadFromItsDateHeaderAndAGarbledOneIsIgnored() throws IOException {
        HttpHead dated = HttpHead.read(stream("HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 19:40:05 GMT\r\n\r\n"),
                HttpHead.LIMIT);
        HttpHead garbled = HttpHead.read(stream("HTTP/1.1 200 OK\r\nDate: yesterday\r\n\r\n"), HttpHead.LIMIT);

        assertThat(dated.date()).contains(Instant.parse("2026-12-07T19:40:05Z"));
        assertThat(garbled.date()).isEmpty();
        assertThat(HttpHead.read(stream("HTTP/1.1 200 OK\r\n\r\n"), HttpHead.LIMIT).date()).isEmpty();
    }

    @Test
    void framesAreSentToTheirStreamWhateverTheirSize() throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frame(frames, 1, "out\n");
        frame(frames, 2, "err\n");
        frame(frames, 1, "x".repeat(20_000));
        frame(frames, 3, "engine\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        FrameDemux.copy(new ByteArrayInputStream(frames.toByteArray()), (stream, bytes, offset, length) ->
                (stream == FrameDemux.Stream.STDERR ? err : out).write(bytes, offset, length));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("out\n" + "x".repeat(20_000));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("err\nengine\n");
    }

    @Test
    void aStreamCutInsideAFrameOrNotMultiplexedIsRefused() {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frame(frames, 1, "whole");
        byte[] cut = Arrays.copyOf(frames.toByteArray(), frames.size() - 2);

        assertThatThrownBy(() -> FrameDemux.copy(new ByteArrayInputStream(cut), (s, b, o, l) -> {}))
                .hasMessageContaining("ended inside a frame");
        assertThatThrownBy(() -> FrameDemux.copy(stream("plain text, no frames"), (s, b, o, l) -> {}))
                .hasMessageContaining("not multiplexed");
    }

    @Test
    void chunksAreJoinedAndTheLastOneEndsTheBody() throws IOException {
        InputStream body = new ChunkedBody(stream("5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\nafter"));

        assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello, world");
    }

    @Test
    void aBadChunkSizeIsRefused() {
        assertThatThrownBy(() -> new ChunkedBody(stream("zz\r\nhello\r\n")).readAllBytes())
                .hasMessageContaining("bad chunk size");
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void frame(ByteArrayOutputStream to, int stream, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        to.write(stream);
        to.writeBytes(new byte[3]);
        to.write(bytes.length >>> 24);
        to.write(bytes.length >>> 16);
        to.write(bytes.length >>> 8);
        to.write(bytes.length);
        to.writeBytes(bytes);
    }
}
