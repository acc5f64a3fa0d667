package dev.fleet.infra.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.rollout.watch.StateSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching the state's repository with JGit, from repositories made here (no network beyond loopback). */
class GitStateSourceTest {

    @TempDir
    Path temp;

    @Test
    void aFetchChecksOutTheBranchsLatestCommitInFleetsOwnClone() throws Exception {
        Path remote = remote("v1");
        GitStateSource source = source(remote.toUri().toString());

        StateSource.Fetch first = source.fetch();
        commit(remote, "v2");
        StateSource.Fetch second = source.fetch();

        assertThat(first).isInstanceOf(StateSource.Fresh.class);
        Path stateFile = ((StateSource.Fresh) second).stateFile();
        assertThat(stateFile).startsWith(temp.resolve("clones"));
        assertThat(Files.readString(stateFile)).isEqualTo("image: v2\n");
    }

    @Test
    void aRemoteMayAlsoBeAPlainPath() throws Exception {
        Path remote = remote("v1");

        StateSource.Fetch fetch = source(remote.toString()).fetch();

        assertThat(fetch).isInstanceOf(StateSource.Fresh.class);
        assertThat(Files.readString(((StateSource.Fresh) fetch).stateFile())).isEqualTo("image: v1\n");
    }

    @Test
    void aRemoteThatIsGoneLeavesTheLastFetchInForceMarkedStale() throws Exception {
        Path remote = remote("v1");
        GitStateSource source = source(remote.toUri().toString());
        source.fetch();
        Files.move(remote, temp.resolve("gone"));

        StateSource.Fetch fetch = source.fetch();

        assertThat(fetch).isInstanceOf(StateSource.Stale.class);
        StateSource.Stale stale = (StateSource.Stale) fetch;
        assertThat(Files.readString(stale.stateFile())).isEqualTo("image: v1\n");
        assertThat(stale.problem()).startsWith("fetching " + remote.toUri());
    }

    @Test
    void aRemoteNeverReachedIsUnavailableAndItsCredentialsAreNeverSaid() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String token = "sentinel-token-5f1c2e";
        GitStateSource source = source("http://deploy:" + token + "@127.0.0.1:" + closed + "/state.git");

        StateSource.Fetch fetch = source.fetch();

        assertThat(fetch).isInstanceOf(StateSource.Unavailable.class);
        assertThat(((StateSource.Unavailable) fetch).problem()).contains("127.0.0.1:" + closed).doesNotContain(token)
                .doesNotContain("deploy:");
        assertThat(source.describe()).isEqualTo("git http://127.0.0.1:" + closed + "/state.git branch main, fleet.yaml");
    }

    @Test
    void anSshRemoteWithoutAnSshLoginIsUnavailableSayingSoAndNoSshProcessIsTried() {
        StateSource.Fetch fetch = source("deploy@127.0.0.1:state.git").fetch();

        assertThat(fetch).isInstanceOf(StateSource.Unavailable.class);
        assertThat(((StateSource.Unavailable) fetch).problem()).isEqualTo("fetching deploy@127.0.0.1:state.git failed:"
                + " deploy@127.0.0.1:state.git: fleet was given no SSH login for this remote");
    }

    @Test
    void credentialsComeFromTheEnvironmentOrAFileAndAreAbsentOtherwise() throws IOException {
        Path tokenFile = Files.writeString(temp.resolve("token"), "from-file\n");

        assertThat(GitStateSource.credentialsFrom(Map.of())).isEmpty();
        assertThat(GitStateSource.credentialsFrom(Map.of("FLEET_GIT_TOKEN", "t"))).isPresent();
        assertThat(GitStateSource.credentialsFrom(Map.of("FLEET_GIT_TOKEN_FILE", tokenFile.toString()))).isPresent();
    }

    private GitStateSource source(String url) {
        return new GitStateSource(url, "main", "fleet.yaml", temp.resolve("clones"), Optional.empty(),
                Duration.ofSeconds(10));
    }

    private Path remote(String image) throws Exception {
        Path remote = Files.createDirectories(temp.resolve("remote"));
        try (Git git = Git.init().setDirectory(remote.toFile()).setInitialBranch("main").call()) {
            commit(remote, image);
        }
        return remote;
    }

    private static void commit(Path repo, String image) throws Exception {
        Files.writeString(repo.resolve("fleet.yaml"), "image: " + image + "\n");
        try (Git git = Git.open(repo.toFile())) {
            git.add().addFilepattern("fleet.yaml").call();
            git.commit().setMessage(image).setAuthor("test", "test@fleet.invalid")
                    .setCommitter("test", "test@fleet.invalid").setSign(false).call();
        }
    }
}
