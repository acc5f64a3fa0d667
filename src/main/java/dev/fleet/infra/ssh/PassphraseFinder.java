package dev.fleet.infra.ssh;

import dev.fleet.desired.SshIdentity;
import java.util.Optional;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;

/**
 * Hands sshj the identity file's passphrase, once, and remembers whether sshj asked for it: it
 * asks only for an encrypted key, which is how a failure to open a key is told apart as a missing
 * or wrong passphrase. Not thread-safe: one per key being opened.
 */
final class PassphraseFinder implements PasswordFinder {

    private final Optional<SshIdentity.Passphrase> passphrase;
    private boolean asked;

    PassphraseFinder(Optional<SshIdentity.Passphrase> passphrase) {
        this.passphrase = passphrase;
    }

    /** Whether sshj asked for the passphrase: the key is encrypted. */
    boolean asked() {
        return asked;
    }

    /**
     * A new copy each time, since sshj blanks the array out after use; empty when there is no
     * passphrase, so that opening the key fails, and {@link #asked} says why.
     */
    @Override
    public char[] reqPassword(Resource<?> resource) {
        asked = true;
        return passphrase.map(p -> p.value().reveal().toCharArray()).orElseGet(() -> new char[0]);
    }

    /** The passphrase does not change between tries: a wrong one stays wrong. */
    @Override
    public boolean shouldRetry(Resource<?> resource) {
        return false;
    }
}
