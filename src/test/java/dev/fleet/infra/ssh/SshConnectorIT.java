package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.observed.UnreachableReason;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SSH to real droplets: host keys of every type verified against known_hosts and refused when
 * unknown or changed, client keys of every type, and the failures a fleet meets (a refused port,
 * an unknown name, a key the droplet does not know), each with its reason.
 */
class SshConnectorIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    @TempDir
    Path temp;

    private final SshConnector connector = new SshConnector();

    @Test
    void connectsWithTheStateKeyAndRunsCommands() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        List<Long> connects = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), LabTargets.ssh(lab.get()))) {
                connects.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                assertThat(output(ssh, "hostname")).isEqualTo(droplet.name());
                assertThat(ssh.address()).isEqualTo("deploy@127.0.0.1:" + droplet.sshPort());
            }
        }
        System.out.printf("SSH connect+auth (ed25519 key, ed25519 host key), three in a row: %s ms%n", connects);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"})
    void verifiesAHostThatKnownHostsListsByOneKeyTypeOnly(String type) throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        List<String> only = LabTargets.knownHostsLines(lab.get(), droplet).stream()
                .filter(line -> line.split(" ")[1].equals(type)).toList();
        assertThat(only).hasSize(1);
        Path knownHosts = LabTargets.write(temp, "known_hosts", only);

        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet),
                LabTargets.withKnownHosts(LabTargets.ssh(lab.get()), knownHosts))) {
            assertThat(output(ssh, "hostname")).isEqualTo(droplet.name());
        }
    }

    @Test
    void refusesAnUnknownHostKeyNamingItsFingerprintAndTheLineToAdd() {
        LabDroplet droplet = lab.get().droplets().get(0);
        Path knownHosts = LabTargets.write(temp, "known_hosts", LabTargets.knownHostsWithout(lab.get(), droplet));
        String presented = hostKeyFingerprint(droplet, "ed25519");
        String line = LabTargets.knownHostsLines(lab.get(), droplet).stream()
                .filter(l -> l.contains(" ssh-ed25519 ")).findFirst().orElseThrow();

        assertThatThrownBy(() -> connector.connect(LabTargets.droplet(lab.get(), droplet),
                LabTargets.withKnownHosts(LabTargets.ssh(lab.get()), knownHosts)))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.HOST_KEY_UNKNOWN);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage())
                            .contains("[127.0.0.1]:" + droplet.sshPort())
                            .contains("presented ssh-ed25519 " + presented)
                            .contains("out of band")
                            .endsWith("add this line to " + knownHosts + ": " + line);
                    System.out.println("Unknown host key: " + e.getMessage());
                });
    }

    @Test
    void refusesAChangedHostKeyNamingTheExpectedAndThePresentedFingerprints() {
        LabDroplet target = lab.get().droplets().get(0);
        LabDroplet other = lab.get().droplets().get(1);
        // The target's lines, carrying the other droplet's keys: as if the target had been replaced.
        List<String> lines = new ArrayList<>(LabTargets.knownHostsWithout(lab.get(), target));
        for (String line : LabTargets.knownHostsLines(lab.get(), other)) {
            lines.add(line.replace("[127.0.0.1]:" + other.sshPort() + " ", "[127.0.0.1]:" + target.sshPort() + " "));
        }
        Path knownHosts = LabTargets.write(temp, "known_hosts", lines);

        assertThatThrownBy(() -> connector.connect(LabTargets.droplet(lab.get(), target),
                LabTargets.withKnownHosts(LabTargets.ssh(lab.get()), knownHosts)))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.HOST_KEY_CHANGED);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage())
                            .contains("host key of [127.0.0.1]:" + target.sshPort() + " changed")
                            .contains("expects ssh-ed25519 " + hostKeyFingerprint(other, "ed25519"))
                            .contains("presented ssh-ed25519 " + hostKeyFingerprint(target, "ed25519"))
                            .contains("If the droplet was rebuilt")
                            .contains("replace its line in known_hosts");
                    System.out.println("Changed host key: " + e.getMessage());
                });
    }

    @Test
    void reportsAKeyTheDropletDoesNotKnowAsAuthentication() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        Path stranger = keygen("ed25519", "stranger");
        String privateBody = Files.readAllLines(stranger).get(1);

        assertThatThrownBy(() -> connector.connect(LabTargets.droplet(lab.get(), droplet),
                LabTargets.withIdentity(LabTargets.ssh(lab.get()), stranger)))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.AUTHENTICATION);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("refused our key").doesNotContain(privateBody);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecdsa", "ed25519"})
    void authenticatesWithClientKeysOfEveryType(String type) throws Exception {
        LabDroplet droplet = lab.get().droplets().get(1);
        Path key = keygen(type, "client-" + type);
        String publicKey = Files.readString(Path.of(key + ".pub")).strip();
        Lab.CommandResult added = lab.get().ssh(droplet.name(), "echo '" + publicKey + "' >> ~/.ssh/authorized_keys");
        assertThat(added.succeeded()).as(added.output()).isTrue();

        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet),
                LabTargets.withIdentity(LabTargets.ssh(lab.get()), key))) {
            assertThat(output(ssh, "hostname")).isEqualTo(droplet.name());
        }
    }

    @Test
    void reportsAPortNothingListensOnAsRefusedAtOnce() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        DropletSpec nowhere = new DropletSpec("nowhere", "127.0.0.1", closedPort, "deploy", Optional.empty(), Optional.empty());
        long started = System.nanoTime();

        assertThatThrownBy(() -> connector.connect(nowhere, LabTargets.ssh(lab.get())))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.REFUSED);
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("nothing accepts SSH connections at deploy@127.0.0.1:" + closedPort);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(LabTargets.CONNECT_TIMEOUT);
    }

    @Test
    void reportsAHostNameThatDoesNotResolveAsOther() {
        DropletSpec unnamed = new DropletSpec("ghost", "ghost.invalid", 22, "deploy", Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> connector.connect(unnamed, LabTargets.ssh(lab.get())))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
                    assertThat(e.getMessage()).contains("unknown host ghost.invalid");
                });
    }

    @Test
    void aReadThatGetsNothingEndsAfterTheReadTimeout() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), LabTargets.ssh(lab.get()));
                SshChannel silent = ssh.exec("sleep 30")) {
            silent.setReadTimeout(Duration.ofMillis(500));
            long started = System.nanoTime();

            assertThatThrownBy(() -> silent.input().read()).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("sent nothing within 500ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(2));
            silent.abort();
            // The connection outlives the channel.
            assertThat(output(ssh, "echo still here")).isEqualTo("still here");
        }
    }

    @Test
    void aForwardToAPortNothingListensOnIsRefused() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), LabTargets.ssh(lab.get()))) {
            assertThatThrownBy(() -> ssh.forward("127.0.0.1", 1))
                    .isInstanceOfSatisfying(DropletException.class,
                            e -> assertThat(e.reason()).isEqualTo(UnreachableReason.REFUSED));
            assertThat(ssh.isOpen()).isTrue();
        }
    }

    @Test
    void sshdRefusesSessionsBeyondMaxSessionsButNotPortForwards() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        List<SshChannel> sessions = new ArrayList<>();
        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), LabTargets.ssh(lab.get()))) {
            // The lab's sshd keeps OpenSSH's default, MaxSessions 10.
            for (int i = 0; i < 10; i++) {
                sessions.add(ssh.exec("sleep 30"));
            }

            assertThatThrownBy(() -> ssh.exec("true"))
                    .isInstanceOfSatisfying(DropletException.class, e -> {
                        assertThat(e.reason()).isEqualTo(UnreachableReason.REFUSED);
                        assertThat(e.getMessage()).contains("refused a channel");
                    });
            // MaxSessions counts sessions only: a port forward still opens.
            try (SshChannel forward = ssh.forward("127.0.0.1", 80)) {
                assertThat(forward.isOpen()).isTrue();
            }
        } finally {
            sessions.forEach(SshChannel::abort);
        }
    }

    @Test
    void aCommandThatKeepsStderrOpenEndsAtTheCommandTimeout() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), threeSecondCommands())) {
            // The shell exits at once; the sleep it leaves behind holds stderr open, so the channel stays open.
            assertEndsAtTheCommandTimeout(ssh, "sleep 1000 >&2 & echo started");
            assertThat(ssh.run("echo still here", "").stdout().strip()).as("the connection outlives the channel")
                    .isEqualTo("still here");
        }
    }

    @Test
    void aCommandThatTricklesOutputEndsAtTheCommandTimeout() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), threeSecondCommands())) {
            // A byte a second: no single read waits long, the whole exchange does.
            assertEndsAtTheCommandTimeout(ssh, "while :; do echo tick; sleep 1; done");
        }
    }

    @Test
    void aCommandThatPrintsMoreThanTheLimitIsRefused() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), LabTargets.ssh(lab.get()))) {
            for (String command : List.of("head -c 1100000 /dev/zero", "head -c 1100000 /dev/zero >&2")) {
                assertThatThrownBy(() -> ssh.run(command, ""))
                        .isInstanceOfSatisfying(DropletException.class, e -> assertThat(e.getMessage())
                                .contains("'" + command + "' on " + ssh.address())
                                .contains("printed more than 1 MiB on " + (command.endsWith(">&2") ? "stderr" : "stdout")));
            }
        }
        // On a connection of its own: after a refused command's channel is closed early, sshd may still
        // send a request for it, which sshj takes as a broken connection (seen once in CI: "unknown
        // channel 0"); fleet's sessions then discard the connection and go on with a new one.
        try (SshConnection ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), LabTargets.ssh(lab.get()))) {
            assertThat(ssh.run("head -c 1048576 /dev/zero", "").stdout()).as("exactly the limit").hasSize(1048576);
        }
    }

    private static void assertEndsAtTheCommandTimeout(SshConnection ssh, String command) {
        long started = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> ssh.run(command, ""))
                .isInstanceOfSatisfying(DropletException.class, e -> {
                    // The droplet answers, the command hangs: not a lost connection, to be tried again.
                    assertThat(e.reason()).isEqualTo(UnreachableReason.OTHER);
                    assertThat(e.getMessage()).contains("'" + command + "' on " + ssh.address())
                            .contains("did not finish within 3s (ssh.command-timeout); the droplet answers");
                }), "'" + command + "' still runs");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(8));
    }

    private static SshSettings threeSecondCommands() {
        SshSettings settings = LabTargets.ssh(lab.get());
        return new SshSettings(settings.identity(), settings.knownHosts(), settings.connectTimeout(),
                Duration.ofSeconds(3));
    }

    private static String output(SshConnection ssh, String command) throws IOException {
        try (SshChannel channel = ssh.exec(command)) {
            channel.setReadTimeout(Duration.ofSeconds(10));
            return new String(channel.input().readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    /** What {@code ssh-keygen -l} says of a droplet's host key, on the droplet: the out-of-band truth. */
    private static String hostKeyFingerprint(LabDroplet droplet, String type) {
        Lab.CommandResult result = lab.get().ssh(droplet.name(), "ssh-keygen -l -E sha256 -f /etc/ssh/ssh_host_" + type + "_key.pub");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        return result.output().strip().split(" ")[1];
    }

    private Path keygen(String type, String name) {
        Path key = temp.resolve(name);
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name, "-f", key.toString()));
        if (type.equals("rsa")) {
            command.addAll(List.of("-b", "3072"));
        }
        LabTargets.run(command);
        return key;
    }
}
