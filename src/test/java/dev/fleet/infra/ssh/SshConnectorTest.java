package dev.fleet.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.observed.UnreachableReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

    private SshSettings settings(Path identity) {
        return new SshSettings(identity, temp.resolve("known_hosts"), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }
}
