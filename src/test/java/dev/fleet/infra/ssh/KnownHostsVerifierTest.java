package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsVerifierTest {

    @TempDir
    Path temp;

    @Test
    void acceptsAKeyListedForTheHostAndPort() throws IOException {
        var verifier = verifier("10.0.0.1", 2222, "[10.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519,
                "[10.0.0.1]:2222 ecdsa-sha2-nistp256 " + TestKeys.ECDSA);

        assertThat(verifier.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ECDSA))).isTrue();
        assertThat(verifier.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ED25519))).isTrue();
        assertThat(verifier.refusal()).isEmpty();
    }

    @Test
    void theSameKeyOnAnotherPortIsAnotherHost() throws IOException {
        var verifier = verifier("10.0.0.1", 2223, "[10.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519);

        assertThat(verifier.verify("10.0.0.1", 2223, TestKeys.key(TestKeys.ED25519))).isFalse();
        assertThat(verifier.refusal().orElseThrow().reason()).isEqualTo(UnreachableReason.HOST_KEY_UNKNOWN);
    }

    @Test
    void refusesAnUnknownHostWithThePresentedFingerprintAndTheLineToAdd() throws IOException {
        var verifier = verifier("10.0.0.1", 2222, "[10.0.0.2]:22 ssh-ed25519 " + TestKeys.OTHER_ED25519);

        assertThat(verifier.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ED25519))).isFalse();

        var refusal = verifier.refusal().orElseThrow();
        assertThat(refusal.reason()).isEqualTo(UnreachableReason.HOST_KEY_UNKNOWN);
        assertThat(refusal.message())
                .contains("the host key of [10.0.0.1]:2222 is not in " + temp.resolve("known_hosts"))
                .contains("presented ssh-ed25519 " + TestKeys.ED25519_FINGERPRINT)
                .contains("Verify that fingerprint out of band")
                .endsWith(": [10.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519);
    }

    @Test
    void refusesAnUnknownGitServerSayingToVerifyItsFingerprintThenAddItWithSshKeyscan() throws IOException {
        Path file = Files.writeString(temp.resolve("known_hosts"), "");
        var verifier = KnownHostsVerifier.forHost(file, "git.example.test", 2222, SshPeer.GIT_SERVER);

        assertThat(verifier.verify("git.example.test", 2222, TestKeys.key(TestKeys.ED25519))).isFalse();

        assertThat(verifier.refusal().orElseThrow().message()).isEqualTo("the host key of [git.example.test]:2222 is"
                + " not in " + file + ": the git server presented ssh-ed25519 " + TestKeys.ED25519_FINGERPRINT
                + ". fleet never trusts a host key on first use: verify that fingerprint out of band (against the"
                + " fingerprints your git host publishes, or ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the"
                + " server), then add the key to " + file + " (ssh-keyscan -p 2222 -t ed25519 git.example.test >> "
                + file + ", and check that ssh-keygen -lf " + file + " shows the same fingerprint), or add this line:"
                + " [git.example.test]:2222 ssh-ed25519 " + TestKeys.ED25519);
    }

    @Test
    void refusesAChangedKeyWithExpectedAndPresentedFingerprints() throws IOException {
        var verifier = verifier("10.0.0.1", 2222, "[10.0.0.1]:2222 ssh-ed25519 " + TestKeys.OTHER_ED25519,
                "[10.0.0.1]:2222 ssh-rsa " + TestKeys.RSA);

        assertThat(verifier.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ED25519))).isFalse();

        var refusal = verifier.refusal().orElseThrow();
        assertThat(refusal.reason()).isEqualTo(UnreachableReason.HOST_KEY_CHANGED);
        assertThat(refusal.message())
                .contains("the host key of [10.0.0.1]:2222 changed")
                .contains("expects ssh-ed25519 " + TestKeys.OTHER_ED25519_FINGERPRINT)
                .doesNotContain(TestKeys.RSA_FINGERPRINT)
                .contains("presented ssh-ed25519 " + TestKeys.ED25519_FINGERPRINT)
                .contains("If the droplet was rebuilt")
                .endsWith("replace its line in known_hosts with: [10.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519);
    }

    @Test
    void aHostKnownOnlyByOtherKeyTypesIsUnknownAndSaysWhichAreKnown() throws IOException {
        var verifier = verifier("10.0.0.1", 2222, "[10.0.0.1]:2222 ssh-rsa " + TestKeys.RSA);

        assertThat(verifier.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ED25519))).isFalse();

        var refusal = verifier.refusal().orElseThrow();
        assertThat(refusal.reason()).isEqualTo(UnreachableReason.HOST_KEY_UNKNOWN);
        assertThat(refusal.message()).contains("lists only other key types for it (ssh-rsa " + TestKeys.RSA_FINGERPRINT + ")");
    }

    @Test
    void aMissingFileKnowsNoHostAndSaysSo() throws IOException {
        var verifier = KnownHostsVerifier.forHost(temp.resolve("absent"), "10.0.0.1", 22);

        assertThat(verifier.verify("10.0.0.1", 22, TestKeys.key(TestKeys.ED25519))).isFalse();
        assertThat(verifier.refusal().orElseThrow().message()).contains("(the file does not exist yet)")
                .endsWith(": 10.0.0.1 ssh-ed25519 " + TestKeys.ED25519);
    }

    @Test
    void matchesHashedHostNames() throws IOException {
        // ssh-keygen -H hashes names; "|1|salt|hash" of [10.0.0.1]:2222, made with ssh-keygen -F -H.
        Path plain = temp.resolve("plain");
        Files.write(plain, List.of("[10.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519));
        LabTargets.run(List.of("ssh-keygen", "-q", "-H", "-f", plain.toString()));
        String hashed = Files.readAllLines(plain).get(0);
        assertThat(hashed).startsWith("|1|");

        var verifier = verifier("10.0.0.1", 2222, hashed);
        assertThat(verifier.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ED25519))).isTrue();
        assertThat(verifier.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.OTHER_ED25519))).isFalse();
        assertThat(verifier.refusal().orElseThrow().message()).contains("expects ssh-ed25519 " + TestKeys.ED25519_FINGERPRINT);
    }

    @Test
    void aLineThatNegatesTheHostIsNotItsEvenWhenAnotherOfItsPatternsMatches() throws IOException {
        var verifier = verifier("10.0.0.1", 22, "!10.0.0.1,10.0.0.* ssh-ed25519 " + TestKeys.ED25519);

        assertThat(verifier.verify("10.0.0.1", 22, TestKeys.key(TestKeys.ED25519))).isFalse();
        assertThat(verifier.refusal().orElseThrow().reason()).isEqualTo(UnreachableReason.HOST_KEY_UNKNOWN);
        assertThat(verifier("10.0.0.2", 22, "!10.0.0.1,10.0.0.* ssh-ed25519 " + TestKeys.ED25519)
                .verify("10.0.0.2", 22, TestKeys.key(TestKeys.ED25519))).isTrue();
    }

    @Test
    void aWildcardLineIsForPort22OnlyAsInOpenSsh() throws IOException {
        String line = "10.0.0.* ssh-ed25519 " + TestKeys.ED25519;

        assertThat(verifier("10.0.0.1", 22, line).verify("10.0.0.1", 22, TestKeys.key(TestKeys.ED25519))).isTrue();
        var otherPort = verifier("10.0.0.1", 2222, line);
        assertThat(otherPort.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ED25519))).isFalse();
        assertThat(otherPort.refusal().orElseThrow().reason()).isEqualTo(UnreachableReason.HOST_KEY_UNKNOWN);
        assertThat(verifier("10.0.0.1", 2222, "[10.0.0.*]:2222 ssh-ed25519 " + TestKeys.ED25519)
                .verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ED25519))).isTrue();
    }

    @Test
    void prefersRsaSha2ForAnRsaEntrySinceSshRsaIsGoneFromCurrentSshd() throws IOException {
        var verifier = verifier("10.0.0.1", 2222, "[10.0.0.1]:2222 ssh-rsa " + TestKeys.RSA,
                "[10.0.0.1]:2222 ecdsa-sha2-nistp256 " + TestKeys.ECDSA, "10.0.0.9 ssh-ed25519 " + TestKeys.ED25519);

        assertThat(verifier.findExistingAlgorithms("10.0.0.1", 2222))
                .containsExactlyInAnyOrder("rsa-sha2-512", "rsa-sha2-256", "ecdsa-sha2-nistp256")
                .doesNotContain("ssh-rsa");
    }

    @Test
    void decodesOnlyTheKeysOfItsHostOfThePresentedType() throws IOException {
        Path plain = temp.resolve("plain");
        Files.write(plain, List.of("[10.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519));
        LabTargets.run(List.of("ssh-keygen", "-q", "-H", "-f", plain.toString()));
        String hashed = Files.readAllLines(plain).get(0);

        var verifier = verifier("10.0.0.1", 2222,
                "# a comment",
                "[10.0.0.1]:2222 ssh-rsa " + TestKeys.RSA,
                "[10.0.0.2]:2222 ssh-rsa " + TestKeys.RSA,
                "10.0.0.1 ssh-ed25519 " + TestKeys.OTHER_ED25519,
                "@revoked [10.0.0.1]:2222 ssh-ed25519 " + TestKeys.OTHER_ED25519,
                "[10.0.0.*]:2222 ecdsa-sha2-nistp256 " + TestKeys.ECDSA,
                hashed);

        assertThat(verifier.findExistingAlgorithms("10.0.0.1", 2222))
                .containsExactly("rsa-sha2-512", "rsa-sha2-256", "ssh-ed25519", "ecdsa-sha2-nistp256");
        assertThat(verifier.verify("10.0.0.1", 2222, TestKeys.key(TestKeys.ED25519))).isTrue();
        assertThat(verifier.entries()).as("decoded entries: this host's, of the presented key's type")
                .extracting(e -> e.getLine().split(" ")[0])
                .containsExactly("@revoked", hashed.split(" ")[0]);
    }

    private KnownHostsVerifier verifier(String host, int port, String... lines) throws IOException {
        Path file = temp.resolve("known_hosts");
        Files.write(file, List.of(lines));
        return KnownHostsVerifier.forHost(file, host, port);
    }
}
