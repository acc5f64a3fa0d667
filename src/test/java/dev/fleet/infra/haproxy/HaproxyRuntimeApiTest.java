package dev.fleet.infra.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.observed.BalancerObservation.ServerState;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyRuntimeApiTest {

    @TempDir
    Path dir;

    /** A runtime API socket that answers every command with {@code bytes} bytes, then closes. */
    private Path answering(long bytes) throws IOException {
        Path socket = dir.resolve("haproxy.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofPlatform().daemon().start(() -> {
            try (server; SocketChannel client = server.accept()) {
                client.read(ByteBuffer.allocate(1024));
                ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
                for (long sent = 0; sent < bytes; sent += chunk.capacity()) {
                    chunk.clear();
                    while (chunk.hasRemaining()) {
                        chunk.put((byte) 'x');
                    }
                    chunk.flip();
                    while (chunk.hasRemaining()) {
                        client.write(chunk);
                    }
                }
            } catch (IOException e) {
                // The client gave up reading: what the test wants.
            }
        });
        return socket;
    }

    @Test
    void anAnswerWithinTheLimitIsReadWhole() throws IOException {
        assertThat(new HaproxyRuntimeApi(answering(128 * 1024), Duration.ofSeconds(5)).execute("show stat"))
                .hasSize(128 * 1024);
    }

    @Test
    void anAnswerThatNeverEndsIsCutAtTheLimitWithAnError() throws IOException {
        HaproxyRuntimeApi api = new HaproxyRuntimeApi(answering(64L * 1024 * 1024), Duration.ofSeconds(10));

        assertThatThrownBy(() -> api.execute("show stat")).isInstanceOf(IOException.class)
                .hasMessageContaining("answered 'show stat' with more than 4 MiB");
    }

    @Test
    void serversAreReadByTheHeaderFromTheirBackendOnly() throws IOException {
        String csv = "# pxname,svname,qcur,scur,status\n"
                + "web,FRONTEND,,4,OPEN\n"
                + "droplets,droplet-1,0,2,UP\n"
                + "droplets,droplet-2,0,,DRAIN\n"
                + "droplets,BACKEND,0,2,UP\n"
                + "other,droplet-1,0,9,DOWN\n";

        assertThat(HaproxyRuntimeApi.parseServers(csv, "droplets")).containsExactly(
                Map.entry("droplet-1", new ServerState("UP", 2)), Map.entry("droplet-2", new ServerState("DRAIN", 0)));
    }

    @Test
    void anUnknownBackendAMissingColumnOrAnotherAnswerIsAClearError() {
        String csv = "# pxname,svname,scur,status\nother,s1,0,UP\n";

        assertThatThrownBy(() -> HaproxyRuntimeApi.parseServers(csv, "droplets")).isInstanceOf(IOException.class)
                .hasMessage("HAProxy has no backend named 'droplets'");
        assertThatThrownBy(() -> HaproxyRuntimeApi.parseServers("# pxname,svname,status\n", "droplets"))
                .hasMessage("'show stat' lacks the pxname, svname, status or scur column");
        assertThatThrownBy(() -> HaproxyRuntimeApi.parseServers("Unknown command.\n", "droplets"))
                .hasMessage("unexpected answer to 'show stat': Unknown command.");
    }
}
