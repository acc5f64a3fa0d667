package dev.fleet.infra.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitRemotesTest {

    @TempDir
    Path temp;

    @Test
    void sshUrlsAndScpLikeAddressesAreSsh() {
        assertThat(GitRemotes.isSsh("ssh://deploy@127.0.0.1:2222/~/state.git")).isTrue();
        assertThat(GitRemotes.isSsh("ssh://git.example.test/srv/state.git")).isTrue();
        assertThat(GitRemotes.isSsh("git+ssh://git@git.example.test/state.git")).isTrue();
        assertThat(GitRemotes.isSsh("git@git.example.test:ops/state.git")).isTrue();
    }

    @Test
    void otherTransportsAndPathsOnThisMachineAreNot() throws Exception {
        Path withColon = Files.createDirectories(temp.resolve("a:b"));

        assertThat(GitRemotes.isSsh("https://git.example.test/ops/state.git")).isFalse();
        assertThat(GitRemotes.isSsh("git://127.0.0.1:9418/state")).isFalse();
        assertThat(GitRemotes.isSsh(temp.toUri().toString())).isFalse();
        assertThat(GitRemotes.isSsh(temp.toString())).isFalse();
        assertThat(GitRemotes.isSsh(withColon.toString())).isFalse();
    }

    @Test
    void aPasswordInTheUrlIsFoundAUserAloneIsNone() {
        assertThat(GitRemotes.hasPassword("https://deploy:sentinel-token@git.example.test/state.git")).isTrue();
        assertThat(GitRemotes.hasPassword("ssh://deploy:sentinel@git.example.test/state.git")).isTrue();
        assertThat(GitRemotes.hasPassword("ssh://deploy@git.example.test/state.git")).isFalse();
        assertThat(GitRemotes.hasPassword("git@git.example.test:ops/state.git")).isFalse();
        assertThat(GitRemotes.hasPassword("/srv/state")).isFalse();
    }
}
