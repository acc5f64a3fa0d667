package dev.fleet.infra.ssh;

import com.hierynomus.sshj.key.KeyAlgorithms;
import com.hierynomus.sshj.transport.cipher.BlockCiphers;
import com.hierynomus.sshj.transport.cipher.GcmCiphers;
import com.hierynomus.sshj.transport.kex.DHGroups;
import com.hierynomus.sshj.transport.mac.Macs;
import java.util.List;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.transport.cipher.Cipher;
import net.schmizz.sshj.transport.kex.Curve25519SHA256;
import net.schmizz.sshj.transport.kex.DHGexSHA256;
import net.schmizz.sshj.transport.kex.ECDHNistP;
import net.schmizz.sshj.transport.kex.KeyExchange;
import net.schmizz.sshj.transport.mac.MAC;

/**
 * The sshj configuration fleet connects with: only current algorithms, best first.
 *
 * <p>sshj's defaults offer legacy algorithms first (SHA-1 key exchange, CBC ciphers, {@code ssh-rsa}
 * signatures), so a droplet whose sshd still accepts them would be spoken to with them. Listing only
 * modern ones means an sshd that knows none of them fails loudly at key exchange instead.
 * {@code ssh-rsa} (RSA with SHA-1) is left out: current OpenSSH refuses it. RSA keys are still
 * spoken, as rsa-sha2-512/256 (see {@link KnownHostsVerifier#findExistingAlgorithms} for RSA-only
 * known_hosts entries).
 */
final class ModernAlgorithms {

    /**
     * Idempotent; must run before sshj first needs a key factory (sshj registers BouncyCastle then).
     * Called for every configuration, not from a static initializer: the native build runs those
     * while it builds, and a security provider added then is not there when fleet runs.
     */
    static synchronized void useJdkProviders() {
        // The JDK's own providers do everything fleet speaks (AES-GCM, ECDH, RSA, ECDSA once
        // aliased); sshj uses BouncyCastle's lightweight classes for Ed25519 and X25519 without the
        // provider. Registering the BouncyCastle provider costs most of a second of start-up.
        SecurityUtils.setRegisterBouncyCastle(false);
        EcdsaKeyFactoryAlias.install();
    }

    private ModernAlgorithms() {}

    /**
     * A new configuration for one client. Not shared between clients: sshj's random source in it is
     * one instance, and building a configuration costs milliseconds once BouncyCastle is loaded.
     */
    static Config config() {
        useJdkProviders();
        DefaultConfig config = new DefaultConfig();
        config.setKeyExchangeFactories(List.<Factory.Named<KeyExchange>>of(
                new Curve25519SHA256.Factory(),
                new Curve25519SHA256.FactoryLibSsh(),
                new ECDHNistP.Factory256(),
                new ECDHNistP.Factory384(),
                new ECDHNistP.Factory521(),
                new DHGexSHA256.Factory(),
                DHGroups.Group16SHA512(),
                DHGroups.Group18SHA512(),
                DHGroups.Group14SHA256()));
        // Host key algorithms and our own signatures alike.
        config.setKeyAlgorithms(List.of(
                KeyAlgorithms.EdDSA25519(),
                KeyAlgorithms.ECDSASHANistp256(),
                KeyAlgorithms.ECDSASHANistp384(),
                KeyAlgorithms.ECDSASHANistp521(),
                KeyAlgorithms.RSASHA512(),
                KeyAlgorithms.RSASHA256()));
        config.setCipherFactories(List.<Factory.Named<Cipher>>of(
                GcmCiphers.AES256GCM(),
                GcmCiphers.AES128GCM(),
                BlockCiphers.AES256CTR(),
                BlockCiphers.AES192CTR(),
                BlockCiphers.AES128CTR()));
        // Only used with the CTR ciphers; GCM authenticates by itself. Encrypt-then-MAC first.
        config.setMACFactories(List.<Factory.Named<MAC>>of(
                Macs.HMACSHA2512Etm(),
                Macs.HMACSHA2256Etm(),
                Macs.HMACSHA2512(),
                Macs.HMACSHA2256()));
        // KEEP_ALIVE asks the server to answer and gives up on one that stops; HEARTBEAT (the
        // default) only sends, so a droplet that vanished would be noticed by no one.
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        config.setLoggerFactory(SshjLogging.QUIET_UNLESS_DEBUGGING);
        return config;
    }
}
