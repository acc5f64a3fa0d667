package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fleet drift} as a process with each SSH key type users have, on both sides: the droplets'
 * host keys (known_hosts listing one type only) and the client's key, from an identity file (plain,
 * encrypted, or one others can read, which is refused) or from an ssh-agent. The native build
 * must do every one of them as the JVM build does, so these run against both.
 */
class KeyTypesCliIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PASSPHRASE = "sentinel-passphrase-Qz4";

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"})
    void verifiesDropletsByEachHostKeyType(String type) throws IOException {
        List<String> only = Files.readAllLines(lab.get().knownHosts()).stream()
                .filter(line -> line.split(" ")[1].equals(type)).toList();
        assertThat(only).hasSize(1);
        Path state = stateCopy(only, null);

        FleetProcess.Result result = FleetProcess.run("drift", "--state", state.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(status(result)).isEqualTo("IN_SYNC");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecdsa", "ed25519"})
    void logsInWithClientKeysOfEachType(String type) throws Exception {
        Path key = authorizedKey(type, "");
        Path state = stateCopy(Files.readAllLines(lab.get().knownHosts()), key);

        FleetProcess.Result result = FleetProcess.run("drift", "--state", state.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(status(result)).isEqualTo("IN_SYNC");
        assertThat(result.stdout() + result.stderr()).doesNotContain(privateKeyBody(key));
    }

    @Test
    void aKeyGroupOrOthersCanReadIsRefusedBeforeConnectingAndWorksOnceItIsTheOwnersOnly() throws Exception {
        Path key = authorizedKey("ed25519", "");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path state = stateCopy(Files.readAllLines(lab.get().knownHosts()), key);

        FleetProcess.Result refused = FleetProcess.run("plan", "--state", state.toString());

        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(1);
        assertThat(refused.stderr())
                .containsPattern(Pattern.quote(state.toString()) + ":\\d+:\\d+: ssh\\.identity-file: "
                        + Pattern.quote(key + " is open to group or others (mode 0644)"))
                .contains("hint: chmod 600 " + key);
        assertThat(refused.stdout()).isEmpty();

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        FleetProcess.Result result = FleetProcess.run("drift", "--state", state.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(status(result)).isEqualTo("IN_SYNC");
    }

    @Test
    void anEncryptedKeyLogsInWithItsPassphraseFromFleetSshPassphrase() throws Exception {
        Path key = authorizedKey("ed25519", PASSPHRASE);
        Path state = stateCopy(Files.readAllLines(lab.get().knownHosts()), key);

        FleetProcess.Result result = FleetProcess.run(Map.of("FLEET_SSH_PASSPHRASE", PASSPHRASE),
                "drift", "--state", state.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(status(result)).isEqualTo("IN_SYNC");
        assertThat(result.stdout() + result.stderr()).doesNotContain(PASSPHRASE);
    }

    @Test
    void anEncryptedKeyLogsInWithItsPassphraseFromTheFileFleetSshPassphraseFileNames() throws Exception {
        Path key = authorizedKey("ed25519", PASSPHRASE);
        Path state = stateCopy(Files.readAllLines(lab.get().knownHosts()), key);
        Path passphrase = Files.writeString(temp.resolve("passphrase"), PASSPHRASE + "\n");
        Files.setPosixFilePermissions(passphrase, PosixFilePermissions.fromString("rw-------"));

        FleetProcess.Result result = FleetProcess.run(Map.of("FLEET_SSH_PASSPHRASE_FILE", passphrase.toString()),
                "drift", "--state", state.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(status(result)).isEqualTo("IN_SYNC");
        assertThat(result.stdout() + result.stderr()).doesNotContain(PASSPHRASE);
    }

    @Test
    void anEncryptedKeyWithoutItsPassphraseIsRefusedNamingTheVariablesThatGiveIt() throws Exception {
        Path key = authorizedKey("ed25519", PASSPHRASE);
        Path state = stateCopy(Files.readAllLines(lab.get().knownHosts()), key);

        FleetProcess.Result result = FleetProcess.run("drift", "--state", state.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
        JsonNode droplet = JSON.readTree(result.stdout()).get("droplets").get(0);
        assertThat(droplet.get("status").asText()).isEqualTo("UNREACHABLE");
        assertThat(droplet.get("reason").asText()).contains("the identity file " + key + " is encrypted; set"
                + " FLEET_SSH_PASSPHRASE or FLEET_SSH_PASSPHRASE_FILE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecdsa", "ed25519"})
    void withoutAnIdentityFileLogsInWithTheKeysOfTheAgentAtSshAuthSock(String type) throws Exception {
        Path key = authorizedKey(type, "");
        Path socket = temp.resolve("agent-" + type + ".sock");
        Process agent = agentHolding(socket, key);
        try {
            // The key file is gone: only the agent can sign.
            Files.delete(key);
            Path state = stateCopy(Files.readAllLines(lab.get().knownHosts()), null, true);

            FleetProcess.Result result = FleetProcess.run(Map.of("SSH_AUTH_SOCK", socket.toString()),
                    "drift", "--state", state.toString(), "--output", "json");

            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(status(result)).isEqualTo("IN_SYNC");
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAgentWhoseKeysTheDropletRefusesIsAnAuthenticationFailureThatNamesTheAgent() throws Exception {
        Path stranger = temp.resolve("id_stranger");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString())
                .redirectErrorStream(true).start();
        assertThat(keygen.waitFor(60, TimeUnit.SECONDS) && keygen.exitValue() == 0).isTrue();
        Path socket = temp.resolve("agent-stranger.sock");
        Process agent = agentHolding(socket, stranger);
        try {
            Path state = stateCopy(Files.readAllLines(lab.get().knownHosts()), null, true);

            FleetProcess.Result result = FleetProcess.run(Map.of("SSH_AUTH_SOCK", socket.toString()),
                    "drift", "--state", state.toString(), "--output", "json");

            assertThat(result.exitCode()).as(result.stderr()).isEqualTo(ExitCodes.UNREACHABLE);
            JsonNode droplet = JSON.readTree(result.stdout()).get("droplets").get(0);
            assertThat(droplet.get("status").asText()).isEqualTo("UNREACHABLE");
            assertThat(droplet.get("reason").asText()).startsWith("unreachable: ")
                    .contains("refused every key of the ssh-agent at " + socket + " (1)");
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A new ssh-agent listening on {@code socket}, holding {@code key}; the caller stops it. */
    private static Process agentHolding(Path socket, Path key) throws Exception {
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline) {
                agent.destroy();
                throw new AssertionError("ssh-agent made no socket within 10 s");
            }
            Thread.sleep(20);
        }
        ProcessBuilder add = new ProcessBuilder("ssh-add", "-q", key.toString()).redirectErrorStream(true);
        add.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process added = add.start();
        if (!added.waitFor(60, TimeUnit.SECONDS) || added.exitValue() != 0) {
            agent.destroy();
            throw new AssertionError("ssh-add failed: " + new String(added.getInputStream().readAllBytes()));
        }
        return agent;
    }

    /**
     * A new key of {@code type} in the test's folder, encrypted with {@code passphrase} unless it is
     * empty, and authorized on the lab's droplet.
     */
    private Path authorizedKey(String type, String passphrase) throws Exception {
        LabDroplet droplet = lab.get().droplets().getFirst();
        Path key = temp.resolve("id_" + type + "_" + System.nanoTime());
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "fleet-" + type,
                "-f", key.toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor(60, TimeUnit.SECONDS) && keygen.exitValue() == 0)
                .as(new String(keygen.getInputStream().readAllBytes())).isTrue();
        String publicKey = Files.readString(Path.of(key + ".pub")).strip();
        Lab.CommandResult added = lab.get().ssh(droplet.name(), "echo '" + publicKey + "' >> ~/.ssh/authorized_keys");
        assertThat(added.succeeded()).as(added.output()).isTrue();
        return key;
    }

    /** The lab's state beside {@code knownHosts}, logging in with {@code identity} when given. */
    private Path stateCopy(List<String> knownHosts, Path identity) throws IOException {
        return stateCopy(knownHosts, identity, false);
    }

    /** ... or, {@code withoutIdentityFile}, with no ssh.identity-file at all. */
    private Path stateCopy(List<String> knownHosts, Path identity, boolean withoutIdentityFile) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("state-" + System.nanoTime()));
        String state = Files.readString(Path.of(lab.get().env("LAB_STATE_FILE")));
        String labKey = "identity-file: \"" + lab.get().sshKey() + "\"";
        if (identity != null || withoutIdentityFile) {
            assertThat(state).contains(labKey);
        }
        if (identity != null) {
            state = state.replace(labKey, "identity-file: \"" + identity + "\"");
        }
        if (withoutIdentityFile) {
            state = state.replace(labKey, "# no identity-file: the agent's keys");
        }
        Files.writeString(dir.resolve("fleet.yaml"), state);
        Files.write(dir.resolve("known_hosts"), knownHosts);
        return dir.resolve("fleet.yaml");
    }

    private static String status(FleetProcess.Result result) throws IOException {
        JsonNode report = JSON.readTree(result.stdout());
        return report.get("droplets").get(0).get("status").asText();
    }

    private static String privateKeyBody(Path key) throws IOException {
        List<String> lines = Files.readAllLines(key);
        return lines.get(lines.size() / 2);
    }
}
