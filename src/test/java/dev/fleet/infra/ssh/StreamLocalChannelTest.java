package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import org.junit.jupiter.api.Test;

class StreamLocalChannelTest {

    @Test
    void theOpenRequestIsOpenSshsSocketPathThenAnEmptyStringAndZero() {
        // The common channel-open fields, as sshj's AbstractDirectChannel writes them.
        SSHPacket common = new SSHPacket(Message.CHANNEL_OPEN);
        common.putString(StreamLocalChannel.TYPE);
        common.putUInt32(7);
        common.putUInt32(2_097_152);
        common.putUInt32(32_768);

        byte[] sent = bytes(StreamLocalChannel.openRequest(common, "/var/run/docker.sock"));

        var expected = new ByteArrayOutputStream();
        expected.write(90); // SSH_MSG_CHANNEL_OPEN
        string(expected, "direct-streamlocal@openssh.com");
        uint32(expected, 7);
        uint32(expected, 2_097_152);
        uint32(expected, 32_768);
        string(expected, "/var/run/docker.sock");
        string(expected, "");
        uint32(expected, 0);
        assertThat(sent).isEqualTo(expected.toByteArray());
    }

    private static byte[] bytes(SSHPacket packet) {
        return Arrays.copyOfRange(packet.array(), packet.rpos(), packet.wpos());
    }

    private static void string(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        uint32(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void uint32(ByteArrayOutputStream out, int value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value).array());
    }
}
