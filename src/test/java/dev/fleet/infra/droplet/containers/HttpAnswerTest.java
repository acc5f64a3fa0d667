package dev.fleet.infra.droplet.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpAnswerTest {

    @Test
    void asksWithConnectionClose() {
        assertThat(new String(HttpAnswer.request("/health", "127.0.0.1:80"), StandardCharsets.US_ASCII))
                .isEqualTo("GET /health HTTP/1.1\r\nHost: 127.0.0.1:80\r\nUser-Agent: fleet\r\nAccept: */*\r\n"
                        + "Connection: close\r\n\r\n");
    }

    @Test
    void readsABodyOfKnownLength() throws IOException {
        HttpAnswer answer = read("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 21\r\n\r\n{\"status\":\"draining\"}extra");
        assertThat(answer).isEqualTo(new HttpAnswer(503, "{\"status\":\"draining\"}"));
    }

    @Test
    void readsAChunkedBody() throws IOException {
        HttpAnswer answer = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhappy\r\n9;x=y\r\n response\r\n0\r\n\r\n");
        assertThat(answer).isEqualTo(new HttpAnswer(200, "happy response"));
    }

    @Test
    void readsABodyThatEndsWithTheConnection() throws IOException {
        assertThat(read("HTTP/1.0 200 OK\nServer: old\n\nall of it")).isEqualTo(new HttpAnswer(200, "all of it"));
    }

    @Test
    void refusesWhatIsNotHttp() {
        assertThatThrownBy(() -> read("SSH-2.0-OpenSSH_9.2\r\n")).isInstanceOf(ProtocolException.class)
                .hasMessage("not an HTTP answer: SSH-2.0-OpenSSH_9.2");
        assertThatThrownBy(() -> read("")).isInstanceOf(ProtocolException.class)
                .hasMessage("the connection closed before an answer");
    }

    @Test
    void acceptsOnlyPlainAbsolutePaths() {
        assertThat(HttpAnswer.isRequestPath("/health?full=1")).isTrue();
        assertThat(HttpAnswer.isRequestPath("health")).isFalse();
        assertThat(HttpAnswer.isRequestPath("/a b")).isFalse();
        assertThat(HttpAnswer.isRequestPath("/a\r\nX-Injected: 1")).isFalse();
    }

    private static HttpAnswer read(String raw) throws IOException {
        return HttpAnswer.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
