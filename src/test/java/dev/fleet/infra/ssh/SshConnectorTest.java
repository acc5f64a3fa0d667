package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Secret;
import dev.fleet.desired.SshIdentity;
import dev.fleet.desired.SshSettings;
import dev.fleet.observed.UnreachableReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the connector checks before it touches the network. */
class SshConnectorTest {

    // Nothing listens on port 1; these tests must fail before they would find out.
    private static final DropletSpec NOWHERE = new DropletSpec("d", "127.0.0.1", 1, "deploy", Optional.empty(), Optional.empty());

    @TempDir
    Path temp;

    @Test
    void aMissingIdentityFileIsOtherAndNamesTheFile() {
        Path missing = temp.resolve("id_missing");

        assertThatThrownBy(() -> new SshConnector().connect(NOWHERE, settings(missing)))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
                    assertThat(e.getMessage()).isEqualTo("cannot read the identity file " + missing);
                });
    }

    @Test
    void anUnusableIdentityFileIsOtherAndNeverShowsItsContent() throws Exception {
        Path garbage = temp.resolve("id_garbage");
        Files.write(garbage, List.of("-----BEGIN OPENSSH PRIVATE KEY-----", "c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
                "-----END OPENSSH PRIVATE KEY-----"));

        assertThatThrownBy(() -> new SshConnector().connect(NOWHERE, settings(garbage)))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
                    assertThat(e.getMessage()).startsWith("cannot use the identity file " + garbage)
                            .doesNotContain("c2VjcmV0");
                });
    }

    @Test
    void anEncryptedKeyWithoutAPassphraseSaysWhichVariablesGiveOne() throws Exception {
        Path key = encryptedKey("sentinel-passphrase-Qz4");

        assertThatThrownBy(() -> new SshConnector().connect(NOWHERE, settings(key, Optional.empty())))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
                    assertThat(e.getMessage()).isEqualTo("the identity file " + key + " is encrypted; set"
                            + " FLEET_SSH_PASSPHRASE or FLEET_SSH_PASSPHRASE_FILE (a file only you can read) to its"
                            + " passphrase");
                });
    }

    @Test
    void anEncryptedKeyForTheGitServerWithoutAPassphraseSaysWhichOfTheGitVariablesGiveOne() throws Exception {
        Path key = encryptedKey("sentinel-passphrase-Qz4");

        assertThatThrownBy(() -> new SshConnector().connect("127.0.0.1", 1, "git", settings(key, Optional.empty()),
                SshPeer.GIT_SERVER))
                .isInstanceOfSatisfying(DropletException.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "the identity file " + key + " is encrypted; set FLEET_GIT_SSH_PASSPHRASE or"
                                + " FLEET_GIT_SSH_PASSPHRASE_FILE (a file only you can read) to its passphrase"));
    }

    @Test
    void anEncryptedKeyWithTheWrongPassphraseSaysSoAndWhereItCameFromNeverWhatItIs() throws Exception {
        Path key = encryptedKey("sentinel-passphrase-Qz4");
        var wrong = new SshIdentity.Passphrase(new Secret("sentinel-wrong-Lk8"), "env FLEET_SSH_PASSPHRASE");

        assertThatThrownBy(() -> new SshConnector().connect(NOWHERE, settings(key, Optional.of(wrong))))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
                    assertThat(e.getMessage()).isEqualTo("the passphrase from env FLEET_SSH_PASSPHRASE does not open"
                            + " the identity file " + key + ": wrong passphrase");
                });
    }

    @Test
    void anEncryptedKeyWithItsPassphraseOpensAndOnlyThenIsTheNetworkTried() throws Exception {
        Path key = encryptedKey("sentinel-passphrase-Qz4");
        var right = new SshIdentity.Passphrase(new Secret("sentinel-passphrase-Qz4"), "env FLEET_SSH_PASSPHRASE");

        // Nothing listens on port 1: refused there means the key was opened first.
        assertThatThrownBy(() -> new SshConnector().connect(NOWHERE, settings(key, Optional.of(right))))
                .isInstanceOfSatisfying(DropletException.class,
                        e -> assertThat(e.reason()).isEqualTo(UnreachableReason.REFUSED));
    }

    @Test
    void anAgentThatCannotBeReachedIsOtherAndSaysWhereFleetLooked() {
        Path socket = temp.resolve("no-agent.sock");
        SshSettings agent = new SshSettings(new SshIdentity.Agent(socket), temp.resolve("known_hosts"),
                Duration.ofSeconds(1), Duration.ofSeconds(1));

        assertThatThrownBy(() -> new SshConnector().connect(NOWHERE, agent))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
                    assertThat(e.getMessage()).startsWith("cannot connect to the ssh-agent at " + socket)
                            .endsWith("; is ssh-agent running, and SSH_AUTH_SOCK its socket? (the state gives no"
                                    + " ssh.identity-file, so fleet logs in with the agent's keys)");
                });
    }

    @Test
    void anAgentWithoutKeysIsOtherAndSaysToAddOne() throws Exception {
        Path socket = temp.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            SshSettings settings = new SshSettings(new SshIdentity.Agent(socket), temp.resolve("known_hosts"),
                    Duration.ofSeconds(1), Duration.ofSeconds(1));

            assertThatThrownBy(() -> new SshConnector().connect(NOWHERE, settings))
                    .isInstanceOfSatisfying(DropletException.class, e -> {
                        assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
                        assertThat(e.getMessage()).isEqualTo("the ssh-agent at " + socket + " holds no keys; add the"
                                + " droplets' key with ssh-add");
                    });
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A new ed25519 key in the OpenSSH format ssh-keygen writes, encrypted with {@code passphrase}. */
    private Path encryptedKey(String passphrase) throws Exception {
        Path key = temp.resolve("id_encrypted");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f", key.toString())
                .redirectErrorStream(true).start();
        assertThat(keygen.waitFor(60, TimeUnit.SECONDS) && keygen.exitValue() == 0)
                .as(new String(keygen.getInputStream().readAllBytes())).isTrue();
        return key;
    }

    private SshSettings settings(Path identity, Optional<SshIdentity.Passphrase> passphrase) {
        return new SshSettings(new SshIdentity.KeyFile(identity, passphrase), temp.resolve("known_hosts"),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    private SshSettings settings(Path identity) {
        return new SshSettings(identity, temp.resolve("known_hosts"), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }
}
