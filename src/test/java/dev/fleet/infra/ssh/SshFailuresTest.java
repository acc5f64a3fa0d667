package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.observed.UnreachableReason;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import org.junit.jupiter.api.Test;

class SshFailuresTest {

    private static final String ADDRESS = "deploy@10.0.0.1:22";

    @Test
    void aRefusedConnectionIsRefused() {
        var e = classify(new ConnectException("Connection refused"));
        assertThat(e.reason()).isEqualTo(UnreachableReason.REFUSED);
        assertThat(e.getMessage()).isEqualTo("nothing accepts SSH connections at deploy@10.0.0.1:22 (Connection refused)");
    }

    @Test
    void noRouteIsRefused() {
        assertThat(classify(new NoRouteToHostException("No route to host")).reason()).isEqualTo(UnreachableReason.REFUSED);
    }

    @Test
    void aSocketTimeoutOrSshjsTimeoutIsATimeoutNamingTheTimeout() {
        var socket = classify(new SocketTimeoutException("Connect timed out"));
        assertThat(socket.reason()).isEqualTo(UnreachableReason.TIMEOUT);
        assertThat(socket.getMessage()).isEqualTo("deploy@10.0.0.1:22 did not answer within 5s while connecting");
        var sshj = classify(new ConnectionException("Timeout expired", new TimeoutException("Timeout expired: 5000 milliseconds")));
        assertThat(sshj.reason()).isEqualTo(UnreachableReason.TIMEOUT);
    }

    @Test
    void aRefusedKeyIsAuthentication() {
        var e = classify(new UserAuthException("Exhausted available authentication methods"));
        assertThat(e.reason()).isEqualTo(UnreachableReason.AUTHENTICATION);
        assertThat(e.getMessage()).contains("refused our key").contains("authorized_keys");
    }

    @Test
    void anUnknownHostNameIsOtherAndNamesIt() {
        var e = classify(new UnknownHostException("droplet.invalid: Name or service not known"));
        assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
        assertThat(e.getMessage()).startsWith("unknown host droplet.invalid");
    }

    @Test
    void noCommonAlgorithmIsOtherAndSaysWhatFleetSpeaks() {
        var e = classify(new TransportException(DisconnectReason.KEY_EXCHANGE_FAILED, "Unable to reach a settlement"));
        assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
        assertThat(e.getMessage()).contains("no SSH algorithm in common").contains("curve25519");
    }

    @Test
    void aConnectionClosedByTheDropletIsRefusedSinceItIsWorthAnotherTry() {
        var e = classify(new TransportException("Broken transport; encountered EOF", new EOFException()));
        assertThat(e.reason()).isEqualTo(UnreachableReason.REFUSED);
        assertThat(e.isTransient()).isTrue();
    }

    @Test
    void aRefusedChannelIsRefused() {
        var e = classify(new OpenFailException("session", OpenFailException.Reason.ADMINISTRATIVELY_PROHIBITED, "open failed"));
        assertThat(e.reason()).isEqualTo(UnreachableReason.REFUSED);
        assertThat(e.getMessage()).contains("refused a channel").contains("ADMINISTRATIVELY_PROHIBITED");
    }

    @Test
    void aDropletExceptionStaysAsItIs() {
        var original = new DropletException(UnreachableReason.HOST_KEY_CHANGED, "changed");
        assertThat(classify(original)).isSameAs(original);
    }

    @Test
    void anythingElseIsOtherWithItsMessage() {
        var e = classify(new IOException("something odd"));
        assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
        assertThat(e.getMessage()).isEqualTo("connecting deploy@10.0.0.1:22 failed: something odd");
    }

    private static DropletException classify(IOException error) {
        return SshFailures.classify(ADDRESS, "connecting", Duration.ofSeconds(5), error);
    }
}
