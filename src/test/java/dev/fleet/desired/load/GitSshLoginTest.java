package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.SshIdentity;
import dev.fleet.desired.SshSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The login for an SSH --repo, from fleet's environment only, checked before the watch starts. */
class GitSshLoginTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void aKeyOnlyItsOwnerCanOpenAndItsPassphraseFileAndKnownHostsFromTheEnvironment() throws Exception {
        Path key = ownerOnly("git_ed25519", "a key");
        Path passphrase = ownerOnly("passphrase", "sentinel-passphrase-8Jd\n");
        Path knownHosts = Files.writeString(temp.resolve("known_hosts"), "");

        SshSettings settings = GitSshLogin.settings(Map.of("FLEET_GIT_SSH_KEY", key.toString(),
                "FLEET_GIT_SSH_PASSPHRASE_FILE", passphrase.toString(), "FLEET_GIT_KNOWN_HOSTS", knownHosts.toString()),
                TIMEOUT);

        assertThat(settings.knownHosts()).isEqualTo(knownHosts);
        var identity = (SshIdentity.KeyFile) settings.identity();
        assertThat(identity.file()).isEqualTo(key);
        assertThat(identity.passphrase().orElseThrow().value().reveal()).isEqualTo("sentinel-passphrase-8Jd");
        assertThat(identity.passphrase().orElseThrow().source()).isEqualTo("file " + passphrase);
    }

    @Test
    void withoutAKeyTheAgentAndKnownHostsDefaultsToTheUsersOwn() throws Exception {
        Path home = temp.resolve("home");
        Path knownHosts = Files.createDirectories(home.resolve(".ssh")).resolve("known_hosts");
        Files.writeString(knownHosts, "");
        Path socket = Files.writeString(temp.resolve("agent.sock"), "");

        SshSettings settings = GitSshLogin.settings(Map.of("HOME", home.toString(), "SSH_AUTH_SOCK", socket.toString()),
                TIMEOUT);

        assertThat(settings.identity()).isEqualTo(new SshIdentity.Agent(socket));
        assertThat(settings.knownHosts()).isEqualTo(knownHosts);
    }

    @Test
    void aKeyOthersCanReadIsRefusedBeforeTheWatchStarts() throws Exception {
        Path key = Files.writeString(temp.resolve("git_ed25519"), "a key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> GitSshLogin.settings(Map.of("FLEET_GIT_SSH_KEY", key.toString(),
                "FLEET_GIT_KNOWN_HOSTS", Files.writeString(temp.resolve("known_hosts"), "").toString()), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--repo is an SSH remote, and FLEET_GIT_SSH_KEY names " + key + ", which is open to group or"
                        + " others (mode 0644); fleet, like ssh, refuses a private key that others can read"
                        + " (UNPROTECTED PRIVATE KEY FILE) (chmod 600 " + key + ")");
    }

    @Test
    void neitherKeyNorAgentNorKnownHostsSaysWhatToSetAndNeverTrustsOnFirstUse() {
        Path missing = temp.resolve("known_hosts");

        assertThatThrownBy(() -> GitSshLogin.settings(Map.of("FLEET_GIT_KNOWN_HOSTS", missing.toString(),
                "FLEET_GIT_SSH_PASSPHRASE", "sentinel-unused-3Hc"), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its host key is checked against " + missing + " (FLEET_GIT_KNOWN_HOSTS), which"
                        + " does not exist (fleet never trusts a host key on first use: get the server's key with"
                        + " ssh-keyscan")
                .hasMessageContaining("neither FLEET_GIT_SSH_KEY (the private key fleet logs in to the git server with)"
                        + " nor SSH_AUTH_SOCK (an ssh-agent holding that key) is set")
                .hasMessageNotContaining("sentinel-unused-3Hc");
    }

    @Test
    void aPassphraseBothInTheEnvironmentAndInAFileIsAmbiguous() throws Exception {
        Path key = ownerOnly("git_ed25519", "a key");
        Path passphrase = ownerOnly("passphrase", "sentinel-a-5Tz");

        assertThatThrownBy(() -> GitSshLogin.settings(Map.of("FLEET_GIT_SSH_KEY", key.toString(),
                "FLEET_GIT_SSH_PASSPHRASE", "sentinel-b-5Tz", "FLEET_GIT_SSH_PASSPHRASE_FILE", passphrase.toString(),
                "FLEET_GIT_KNOWN_HOSTS", Files.writeString(temp.resolve("known_hosts"), "").toString()), TIMEOUT))
                .hasMessageContaining("both FLEET_GIT_SSH_PASSPHRASE and FLEET_GIT_SSH_PASSPHRASE_FILE are set")
                .hasMessageNotContaining("sentinel-");
    }

    private Path ownerOnly(String name, String content) throws Exception {
        Path file = Files.writeString(temp.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
