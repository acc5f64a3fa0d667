package dev.fleet.infra.ssh;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthPublickey;

/**
 * sshj's "publickey" authentication with a key that stays in an ssh-agent: sshj picks the
 * signature algorithm and builds the request as for any key, and the agent signs it.
 *
 * <p>Runs on sshj's reader thread; an agent that fails is kept in {@code failure} for the
 * connector's message (sshj itself only says that no method worked).
 */
final class AgentPublickey extends AuthPublickey {

    /** The key types fleet speaks (see {@link ModernAlgorithms}); others (certificates, FIDO keys) are skipped. */
    private static final Set<String> SPOKEN =
            Set.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa");

    private final AgentClient agent;
    private final AgentClient.Key key;
    private final AtomicReference<AgentClient.AgentException> failure;
    // Chosen by sshj in putPubKey, used by putSig when sshd accepts the key (on sshj's reader thread).
    private volatile String algorithm;

    private AgentPublickey(AgentClient agent, AgentClient.Key key, PublicKey publicKey,
            AtomicReference<AgentClient.AgentException> failure) {
        super(new Public(publicKey, key.comment()));
        this.agent = agent;
        this.key = key;
        this.failure = failure;
    }

    /** The method for {@code key}, or empty when it is of a type fleet does not speak. */
    static Optional<AgentPublickey> of(AgentClient agent, AgentClient.Key key,
            AtomicReference<AgentClient.AgentException> failure) {
        try {
            Buffer.PlainBuffer blob = new Buffer.PlainBuffer(key.blob());
            if (!SPOKEN.contains(blob.readString())) {
                return Optional.empty();
            }
            PublicKey publicKey = new Buffer.PlainBuffer(key.blob()).readPublicKey();
            return Optional.of(new AgentPublickey(agent, key, publicKey, failure));
        } catch (Buffer.BufferException | RuntimeException e) {
            // A blob sshj cannot read is a key fleet cannot offer; the others may still do.
            return Optional.empty();
        }
    }

    /** sshj's request, with the key exactly as the agent gave it: the agent finds the key to sign with by it. */
    @Override
    protected SSHPacket putPubKey(SSHPacket request) throws UserAuthException {
        int start = request.wpos();
        super.putPubKey(request);
        try {
            algorithm = new Buffer.PlainBuffer(Arrays.copyOfRange(request.array(), start, request.wpos())).readString();
        } catch (Buffer.BufferException e) {
            throw new UserAuthException("cannot read back the signature algorithm sshj chose", e);
        }
        request.wpos(start);
        request.putString(algorithm).putString(key.blob());
        return request;
    }

    @Override
    protected SSHPacket putSig(SSHPacket request) throws UserAuthException {
        byte[] signed = new Buffer.PlainBuffer()
                .putString(params.getTransport().getSessionID())
                .putBuffer(request)
                .getCompactData();
        int flags = switch (algorithm) {
            case "rsa-sha2-512" -> AgentClient.RSA_SHA2_512;
            case "rsa-sha2-256" -> AgentClient.RSA_SHA2_256;
            default -> 0;
        };
        try {
            byte[] signature = agent.sign(key.blob(), signed, flags);
            String signedWith = signatureAlgorithm(signature);
            if (!signedWith.equals(algorithm)) {
                throw new AgentClient.AgentException("the ssh-agent at " + agent.socket() + " signed with " + signedWith
                        + " where " + algorithm + " was asked for (is the agent older than OpenSSH 7.2?)");
            }
            request.putString(signature);
            return request;
        } catch (AgentClient.AgentException e) {
            failure.compareAndSet(null, e);
            throw new UserAuthException(e.getMessage(), e);
        }
    }

    private String signatureAlgorithm(byte[] signature) throws AgentClient.AgentException {
        try {
            return new Buffer.PlainBuffer(signature).readString();
        } catch (Buffer.BufferException e) {
            throw new AgentClient.AgentException("the ssh-agent at " + agent.socket() + " sent a malformed signature", e);
        }
    }

    /** The public half; the private one never leaves the agent, and this method never asks for it. */
    private record Public(PublicKey publicKey, String comment) implements KeyProvider {

        @Override
        public PrivateKey getPrivate() throws IOException {
            throw new IOException("the private key stays in the ssh-agent");
        }

        @Override
        public PublicKey getPublic() {
            return publicKey;
        }

        @Override
        public KeyType getType() {
            return KeyType.fromKey(publicKey);
        }

        @Override
        public String toString() {
            return "ssh-agent key " + comment;
        }
    }
}
