package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.infra.ssh.LabTargets;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet init} as a process against a real sshd: the host keys it shows are the droplet's,
 * they are written only when accepted, and the known_hosts written is one fleet then connects with.
 */
class InitIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(1);

    private static final String IMAGE =
            "registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

    @TempDir
    Path temp;

    @Test
    void withoutATerminalOrAcceptHostKeysItPrintsTheFingerprintsAndWritesNothing() throws Exception {
        LabDroplet droplet = lab.get().droplets().getFirst();
        Path dir = temp.resolve("fleet-state");

        FleetProcess.Result result = init(dir, droplet);

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        for (String line : LabTargets.knownHostsLines(lab.get(), droplet)) {
            String[] fields = line.split(" ");
            assertThat(result.stdout()).contains("web-1 (127.0.0.1:" + droplet.sshPort() + "): " + fields[1] + " "
                    + fingerprint(fields[2]));
        }
        assertThat(result.stderr()).contains("host keys not accepted; nothing written").contains("--accept-host-keys");
        assertThat(dir).doesNotExist();
    }

    @Test
    void acceptedHostKeysAreOnesFleetConnectsWithAndAreNotReplacedWithoutForce() throws Exception {
        LabDroplet droplet = lab.get().droplets().getFirst();
        Path dir = temp.resolve("fleet-state");

        FleetProcess.Result result = init(dir, droplet, "--accept-host-keys");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Path knownHosts = dir.resolve("known_hosts");
        assertThat(Files.readAllLines(knownHosts).stream().filter(line -> !line.startsWith("#")))
                .containsExactlyInAnyOrderElementsOf(LabTargets.knownHostsLines(lab.get(), droplet));
        try (SshConnection ssh = new SshConnector().connect(LabTargets.droplet(lab.get(), droplet),
                LabTargets.withKnownHosts(LabTargets.ssh(lab.get()), knownHosts))) {
            assertThat(ssh.address()).endsWith("@127.0.0.1:" + droplet.sshPort());
        }
        assertThat(FleetProcess.run("validate", "--state", dir.resolve("fleet.yaml").toString()).exitCode()).isZero();

        Files.writeString(knownHosts, "# edited\n", StandardOpenOption.APPEND);
        String before = Files.readString(knownHosts);
        FleetProcess.Result again = init(dir, droplet, "--accept-host-keys");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).contains("exists; nothing written (--force replaces it)");
        assertThat(knownHosts).hasContent(before.strip());

        assertThat(init(dir, droplet, "--accept-host-keys", "--force").exitCode()).isZero();
        assertThat(Files.readString(knownHosts)).doesNotContain("# edited");
    }

    private static FleetProcess.Result init(Path dir, LabDroplet droplet, String... more) {
        List<String> args = new ArrayList<>(List.of("init", "--dir", dir.toString(), "--droplet",
                "web-1=127.0.0.1:" + droplet.sshPort(), "--image", IMAGE, "--balancer", "haproxy", "--user",
                lab.get().sshUser()));
        args.addAll(List.of(more));
        return FleetProcess.run(args.toArray(String[]::new));
    }

    private static String fingerprint(String base64) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64));
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    }
}
