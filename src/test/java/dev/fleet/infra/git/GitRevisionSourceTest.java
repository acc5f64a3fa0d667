package dev.fleet.infra.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitRevisionSourceTest {

    private static final PersonIdent AUTHOR = new PersonIdent("fleet test", "test@fleet.invalid");

    @TempDir
    Path dir;

    private final GitRevisionSource source = new GitRevisionSource();
    private Git git;
    private Path state;

    @BeforeEach
    void createRepositoryWithAStateFile() throws Exception {
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        state = Files.writeString(dir.resolve("fleet.yaml"), "service: {}\n");
        Files.writeString(dir.resolve("known_hosts"), "host ssh-ed25519 AAAA\n");
    }

    @AfterEach
    void close() {
        git.close();
    }

    @Test
    void committedStateIsHeadAndClean() throws Exception {
        RevCommit head = commitAll();

        assertThat(source.revisionOf(state)).isEqualTo(new Revision(Optional.of(head.name()), false));
    }

    @Test
    void modifiedTrackedFileMakesItDirty() throws Exception {
        RevCommit head = commitAll();
        Files.writeString(state, "service: {name: changed}\n");

        assertThat(source.revisionOf(state)).isEqualTo(new Revision(Optional.of(head.name()), true));
    }

    @Test
    void stagedChangeToAnotherTrackedFileMakesItDirty() throws Exception {
        commitAll();
        Files.writeString(dir.resolve("known_hosts"), "other ssh-ed25519 BBBB\n");
        git.add().addFilepattern("known_hosts").call();

        assertThat(source.revisionOf(state).dirty()).isTrue();
    }

    @Test
    void deletedTrackedFileMakesItDirty() throws Exception {
        commitAll();
        Files.delete(dir.resolve("known_hosts"));

        assertThat(source.revisionOf(state).dirty()).isTrue();
    }

    @Test
    void untrackedFileBesideTheStateDoesNotMakeItDirty() throws Exception {
        commitAll();
        Files.writeString(dir.resolve("notes.txt"), "not part of the state\n");

        assertThat(source.revisionOf(state).dirty()).isFalse();
    }

    @Test
    void untrackedStateFileItselfIsDirty() throws Exception {
        commitAll();
        Path draft = Files.writeString(dir.resolve("draft.yaml"), "service: {}\n");

        assertThat(source.revisionOf(draft).dirty()).isTrue();
    }

    @Test
    void stateInANewUntrackedFolderIsDirty() throws Exception {
        commitAll();
        Path nested = Files.createDirectories(dir.resolve("staging"));
        Path draft = Files.writeString(nested.resolve("fleet.yaml"), "service: {}\n");

        assertThat(source.revisionOf(draft).dirty()).isTrue();
    }

    @Test
    void stateInASubfolderIsFoundInTheRepositoryAbove() throws Exception {
        Path nested = Files.createDirectories(dir.resolve("fleets/production"));
        Path file = Files.writeString(nested.resolve("fleet.yaml"), "service: {}\n");
        RevCommit head = commitAll();

        assertThat(source.revisionOf(file)).isEqualTo(new Revision(Optional.of(head.name()), false));
    }

    @Test
    void fileOutsideAnyRepositoryIsNotInGit(@TempDir Path elsewhere) throws Exception {
        Path file = Files.writeString(elsewhere.resolve("fleet.yaml"), "service: {}\n");

        assertThat(source.revisionOf(file)).isEqualTo(Revision.notInGit());
    }

    @Test
    void repositoryWithoutCommitsHasNoCommitAndIsDirty() throws Exception {
        assertThat(source.revisionOf(state)).isEqualTo(Revision.noCommitYet());
        assertThat(source.revisionOf(state).describe()).isEqualTo("no commit yet");
    }

    private RevCommit commitAll() throws Exception {
        git.add().addFilepattern(".").call();
        return git.commit().setMessage("state").setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
    }
}
