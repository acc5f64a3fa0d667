package dev.fleet.infra.ssh;

import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.connection.Connection;
import net.schmizz.sshj.connection.channel.direct.AbstractDirectChannel;

/**
 * OpenSSH's {@code direct-streamlocal@openssh.com} channel: sshd connects it to a Unix socket on the
 * droplet, with the user's own permissions, and no process is started for it (an exec channel costs
 * a session, a shell and the command). sshj has no class for it; its open request is that of
 * OpenSSH's PROTOCOL file, section 2.4: the common channel-open fields, then {@code string socket
 * path, string reserved, uint32 reserved}.
 *
 * <p>sshd refuses it when {@code AllowStreamLocalForwarding} (or {@code DisableForwarding}) says so,
 * and a server other than OpenSSH may not know the type: {@link #open()} then throws an {@code
 * OpenFailException}.
 */
final class StreamLocalChannel extends AbstractDirectChannel {

    static final String TYPE = "direct-streamlocal@openssh.com";

    private final String socketPath;

    StreamLocalChannel(Connection connection, String socketPath) {
        super(connection, TYPE);
        this.socketPath = socketPath;
    }

    @Override
    protected SSHPacket buildOpenReq() {
        return openRequest(super.buildOpenReq(), socketPath);
    }

    /** Appends this channel's own fields to the common channel-open fields in {@code common}. */
    static SSHPacket openRequest(SSHPacket common, String socketPath) {
        common.putString(socketPath);
        // Reserved: OpenSSH's own client sends an empty string and zero.
        common.putString("");
        common.putUInt32(0);
        return common;
    }

    @Override
    public String toString() {
        return TYPE + " to " + socketPath;
    }
}
