package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsFileTest {

    @TempDir
    Path temp;

    @Test
    void findsAHostsLinesByNameByWildcardAndByHashInTheFilesOrderAndNoOtherHostsLines() throws IOException {
        Path plain = temp.resolve("plain");
        Files.write(plain, List.of("[10.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519));
        LabTargets.run(List.of("ssh-keygen", "-q", "-H", "-f", plain.toString()));
        String hashed = Files.readAllLines(plain).get(0);
        List<String> lines = List.of(
                "# a comment",
                "[10.0.0.2]:2222 ssh-rsa " + TestKeys.RSA,
                "[10.0.0.1]:2222 ssh-rsa " + TestKeys.RSA,
                hashed,
                "[10.0.0.9]:2222,[10.0.0.1]:2222 ecdsa-sha2-nistp256 " + TestKeys.ECDSA,
                "@revoked [10.0.0.1]:2222 ssh-ed25519 " + TestKeys.OTHER_ED25519,
                "[10.0.0.*]:2222 ecdsa-sha2-nistp256 " + TestKeys.ECDSA,
                "!10.0.0.1,10.0.0.* ssh-ed25519 " + TestKeys.OTHER_ED25519,
                "10.0.0.1 ssh-ed25519 " + TestKeys.OTHER_ED25519);
        Path file = temp.resolve("known_hosts");
        Files.write(file, lines);

        // The index finds exactly what matching every line against the host finds, in the same order.
        for (String host : List.of("[10.0.0.1]:2222", "10.0.0.1", "10.0.0.3", "[10.0.0.3]:2222", "[10.0.0.9]:2222")) {
            assertThat(KnownHostsFile.linesFor(file, host)).as(host).containsExactlyElementsOf(lines.stream()
                    .filter(line -> KnownHostsFile.fields(line).length >= 2
                            && KnownHostsFile.mayApply(KnownHostsFile.fields(line)[1], host))
                    .toList());
        }
        assertThat(KnownHostsFile.linesFor(file, "[10.0.0.1]:2222")).contains(lines.get(2), lines.get(3),
                lines.get(4), lines.get(5), lines.get(6)).doesNotContain(lines.get(1), lines.get(8));
        assertThat(KnownHostsFile.linesFor(file, "10.0.0.1")).contains(lines.get(8)).doesNotContain(lines.get(7));
        assertThat(KnownHostsFile.linesFor(file, "10.0.0.3")).contains(lines.get(7));
    }

    @Test
    void seesARewriteOfTheSameSizeAtOnce() throws IOException {
        Path file = temp.resolve("known_hosts");
        Files.writeString(file, "[10.0.0.1]:2222 ssh-ed25519 " + TestKeys.ED25519 + "\n");
        assertThat(KnownHostsFile.linesFor(file, "[10.0.0.1]:2222")).hasSize(1);

        Files.writeString(file, "[10.0.0.2]:2222 ssh-ed25519 " + TestKeys.ED25519 + "\n");

        assertThat(KnownHostsFile.linesFor(file, "[10.0.0.1]:2222")).isEmpty();
        assertThat(KnownHostsFile.linesFor(file, "[10.0.0.2]:2222")).hasSize(1);
    }

    @Test
    void aMissingFileHasNoLines() throws IOException {
        assertThat(KnownHostsFile.linesFor(temp.resolve("absent"), "10.0.0.1")).isEmpty();
    }
}
