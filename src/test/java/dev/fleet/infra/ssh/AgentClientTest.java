package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.schmizz.sshj.common.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent protocol against a real ssh-agent, and against agents that answer what they should not. */
class AgentClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path temp;

    @Test
    void listsTheKeysOfARealAgentAndHasItSign() throws Exception {
        Path key = temp.resolve("id_ed25519");
        run(Map.of(), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fleet-agent-test", "-f", key.toString());
        Path socket = temp.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        try {
            awaitSocket(socket);
            run(Map.of("SSH_AUTH_SOCK", socket.toString()), "ssh-add", "-q", key.toString());

            try (AgentClient client = AgentClient.connect(socket, TIMEOUT)) {
                List<AgentClient.Key> keys = client.identities();

                assertThat(keys).singleElement().satisfies(k -> {
                    assertThat(k.comment()).isEqualTo("fleet-agent-test");
                    assertThat(new Buffer.PlainBuffer(k.blob()).readString()).isEqualTo("ssh-ed25519");
                });
                byte[] signature = client.sign(keys.getFirst().blob(), "data".getBytes(StandardCharsets.UTF_8), 0);
                Buffer.PlainBuffer read = new Buffer.PlainBuffer(signature);
                assertThat(read.readString()).isEqualTo("ssh-ed25519");
                assertThat(read.readBytes()).hasSize(64);
            }
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAnswerLongerThan256KiBIsRefusedWithoutReadingIt() throws Exception {
        try (FakeAgent agent = new FakeAgent(temp, request -> ByteBuffer.allocate(4).putInt(256 * 1024 + 1).flip());
                AgentClient client = AgentClient.connect(agent.socket, TIMEOUT)) {

            assertThatThrownBy(client::identities).isInstanceOf(AgentClient.AgentException.class)
                    .hasMessage("the ssh-agent at " + agent.socket + " answered with a message of 262145 bytes;"
                            + " fleet accepts 1 to 262144");
        }
    }

    @Test
    void aLengthInsideTheAnswerBeyondItsEndIsMalformed() throws Exception {
        // identities answer: one key whose blob claims 1000 bytes, in a 9-byte message
        ByteBuffer answer = ByteBuffer.allocate(13).putInt(9).put((byte) 12).putInt(1).putInt(1000).flip();
        try (FakeAgent agent = new FakeAgent(temp, request -> answer);
                AgentClient client = AgentClient.connect(agent.socket, TIMEOUT)) {

            assertThatThrownBy(client::identities).isInstanceOf(AgentClient.AgentException.class)
                    .hasMessage("the ssh-agent at " + agent.socket + " sent a malformed answer");
        }
    }

    @Test
    void anAgentThatNeverAnswersIsGivenUpOnAtTheDeadline() throws Exception {
        try (FakeAgent agent = new FakeAgent(temp, request -> ByteBuffer.allocate(0));
                AgentClient client = AgentClient.connect(agent.socket, Duration.ofMillis(300))) {
            long started = System.nanoTime();

            assertThatThrownBy(client::identities).isInstanceOf(AgentClient.AgentException.class)
                    .hasMessage("the ssh-agent at " + agent.socket + " did not answer within 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void anAgentThatRefusesToSignSaysWhatMayBeTheReason() throws Exception {
        ByteBuffer failure = ByteBuffer.allocate(5).putInt(1).put((byte) 5).flip();
        try (FakeAgent agent = new FakeAgent(temp, request -> failure);
                AgentClient client = AgentClient.connect(agent.socket, TIMEOUT)) {

            assertThatThrownBy(() -> client.sign(new byte[] {1}, new byte[] {2}, 0))
                    .isInstanceOf(AgentClient.AgentException.class)
                    .hasMessageStartingWith("the ssh-agent at " + agent.socket + " refused to sign");
        }
    }

    @Test
    void noAgentAtTheSocketIsAClearError() {
        Path nowhere = temp.resolve("no-agent.sock");

        assertThatThrownBy(() -> AgentClient.connect(nowhere, TIMEOUT)).isInstanceOf(AgentClient.AgentException.class)
                .hasMessageStartingWith("cannot connect to the ssh-agent at " + nowhere + ": ");
    }

    /** Accepts one connection, reads one request and writes what {@code answer} makes of it, then stays silent. */
    private static final class FakeAgent implements AutoCloseable {

        final Path socket;
        private final ServerSocketChannel server;
        private final Thread thread;

        FakeAgent(Path dir, Function<ByteBuffer, ByteBuffer> answer) throws IOException {
            socket = dir.resolve("fake-agent.sock");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = Thread.ofVirtual().start(() -> {
                try (SocketChannel client = server.accept()) {
                    ByteBuffer length = ByteBuffer.allocate(4);
                    while (length.hasRemaining() && client.read(length) >= 0) {
                        // reading the length
                    }
                    ByteBuffer request = ByteBuffer.allocate(length.flip().getInt());
                    while (request.hasRemaining() && client.read(request) >= 0) {
                        // reading the request
                    }
                    ByteBuffer reply = answer.apply(request.flip());
                    while (reply.hasRemaining()) {
                        client.write(reply);
                    }
                    // Silent from here on, until the client or the test closes.
                    client.read(ByteBuffer.allocate(1));
                } catch (IOException e) {
                    // the test closed the server
                }
            });
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(Duration.ofSeconds(5));
            Files.deleteIfExists(socket);
        }
    }

    private static void run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0)
                .as(String.join(" ", command) + ": " + new String(process.getInputStream().readAllBytes())).isTrue();
    }

    private static void awaitSocket(Path socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket)) {
            assertThat(System.nanoTime()).as("ssh-agent made no socket within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
