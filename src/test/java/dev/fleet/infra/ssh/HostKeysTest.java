package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostKeysTest {

    @Test
    void fingerprintsKeysAsSshKeygenDoes() {
        assertThat(HostKeys.fingerprint(TestKeys.key(TestKeys.ED25519))).isEqualTo(TestKeys.ED25519_FINGERPRINT);
        assertThat(HostKeys.fingerprint(TestKeys.key(TestKeys.ECDSA))).isEqualTo(TestKeys.ECDSA_FINGERPRINT);
        assertThat(HostKeys.fingerprint(TestKeys.key(TestKeys.RSA))).isEqualTo(TestKeys.RSA_FINGERPRINT);
    }

    @Test
    void namesNonStandardPortsInBracketsAsKnownHostsDoes() {
        assertThat(HostKeys.hostPattern("127.0.0.1", 2222)).isEqualTo("[127.0.0.1]:2222");
        assertThat(HostKeys.hostPattern("droplet.example", 22)).isEqualTo("droplet.example");
    }

    @Test
    void writesTheKnownHostsLineOfAKey() {
        assertThat(HostKeys.knownHostsLine("[127.0.0.1]:2222", TestKeys.key(TestKeys.ED25519)))
                .isEqualTo("[127.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519);
        assertThat(HostKeys.knownHostsLine("h", TestKeys.key(TestKeys.ECDSA)))
                .isEqualTo("h ecdsa-sha2-nistp256 " + TestKeys.ECDSA);
        assertThat(HostKeys.knownHostsLine("h", TestKeys.key(TestKeys.RSA))).isEqualTo("h ssh-rsa " + TestKeys.RSA);
    }
}
