package dev.fleet.infra.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.StateRevisions.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitStateRevisionsTest {

    private static final PersonIdent AUTHOR = new PersonIdent("fleet test", "test@fleet.invalid");

    @TempDir
    Path dir;

    private final GitStateRevisions revisions = new GitStateRevisions();
    private Git git;
    private Path state;

    @BeforeEach
    void createRepository() throws Exception {
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        Files.createDirectories(dir.resolve("fleet-state"));
        state = dir.resolve("fleet-state/fleet.yaml");
    }

    @AfterEach
    void close() {
        git.close();
    }

    private RevCommit commit(String text, String message) throws Exception {
        Files.writeString(state, text);
        git.add().addFilepattern(".").call();
        return git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
    }

    @Test
    void readsTheFileAsAnAbbreviatedCommitHeldIt() throws Exception {
        RevCommit first = commit("service: {image: v1}\n", "Deploy v1\n\nbody");
        commit("service: {image: v2}\n", "Deploy v2");

        Snapshot snapshot = revisions.fileAt(state, first.name().substring(0, 12)).orElseThrow();

        assertThat(snapshot).isEqualTo(new Snapshot(first.name(), "Deploy v1", "service: {image: v1}\n"));
    }

    @Test
    void takesRelativeRevisionsAndTags() throws Exception {
        RevCommit first = commit("a: 1\n", "one");
        commit("a: 2\n", "two");
        git.tag().setName("release-1").setObjectId(first).setAnnotated(false).call();

        assertThat(revisions.fileAt(state, "HEAD~1").orElseThrow().text()).isEqualTo("a: 1\n");
        assertThat(revisions.fileAt(state, "release-1").orElseThrow().commit()).isEqualTo(first.name());
    }

    @Test
    void anUnknownRevisionOrACommitWithoutTheFileIsEmpty() throws Exception {
        Files.writeString(dir.resolve("README"), "x");
        git.add().addFilepattern("README").call();
        RevCommit before = git.commit().setMessage("before").setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false)
                .call();
        commit("a: 1\n", "state");

        assertThat(revisions.fileAt(state, "0123456789ab")).isEmpty();
        assertThat(revisions.fileAt(state, "no-such-branch")).isEmpty();
        assertThat(revisions.fileAt(state, before.name())).isEmpty();
    }

    @Test
    void aFileOutsideGitIsAnError(@TempDir Path elsewhere) throws IOException {
        Path file = Files.writeString(elsewhere.resolve("fleet.yaml"), "a: 1\n");

        assertThatThrownBy(() -> revisions.fileAt(file, "HEAD")).isInstanceOf(IOException.class)
                .hasMessageContaining("not in a git repository");
    }

    @Test
    void aHugeBlobUnderTheNameIsNotReadWhole() throws Exception {
        commit("#".repeat(GitStateRevisions.MAX_BYTES + 1) + "\n", "huge");

        assertThatThrownBy(() -> revisions.fileAt(state, "HEAD")).isInstanceOf(IOException.class)
                .hasMessageContaining("more than a state file may be");
    }
}
