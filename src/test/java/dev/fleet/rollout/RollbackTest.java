package dev.fleet.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Revision;
import dev.fleet.infra.git.GitStateFiles;
import dev.fleet.infra.git.GitStateRevisions;
import dev.fleet.rollout.ledger.ApplyRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fleet rollback on a real git repository; the history comes from an in-memory ledger. */
class RollbackTest {

    private static final PersonIdent AUTHOR = new PersonIdent("fleet test", "test@fleet.invalid");
    private static final String V1 = "reg/demo@sha256:" + "1".repeat(64);
    private static final String V2 = "reg/demo@sha256:" + "2".repeat(64);
    private static final String V3 = "reg/demo@sha256:" + "3".repeat(64);

    @TempDir
    Path dir;

    private Git git;
    private Path file;
    private final FakeFleet.FakeLedger ledger = new FakeFleet.FakeLedger();
    private Rollback rollback;

    @BeforeEach
    void repository() throws Exception {
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        file = dir.resolve("fleet.yaml");
        rollback = new Rollback(new Ledgers(state -> ledger, () -> "me"), new GitStateRevisions(), new GitStateFiles());
    }

    @AfterEach
    void close() {
        git.close();
    }

    /** A state file whose layout and comments must survive: only image values may change. */
    private static String text(String service, String canary) {
        return """
                # the fleet
                service:
                  name: demo
                  image: %s   # pinned by CI
                droplets:
                  - name: d1
                    host: a
                  - name: d2
                    host: b
                    image: "%s"
                """.formatted(service, canary);
    }

    private RevCommit commit(String text, String message) throws Exception {
        Files.writeString(file, text);
        git.add().addFilepattern("fleet.yaml").call();
        return git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
    }

    private void converged(RevCommit commit, String result) {
        ledger.history.add(new ApplyRecord("run-" + commit.name().substring(0, 6), "me", commit.name().substring(0, 12),
                Instant.EPOCH, Duration.ZERO, result, List.of(), Optional.empty()));
    }

    private DesiredState state() {
        DesiredState shape = ConvergenceTest.state("sha256:" + "1".repeat(64));
        List<DropletSpec> droplets = List.of(new DropletSpec("d1", "a", 22, "deploy", Optional.empty(), Optional.empty()),
                new DropletSpec("d2", "b", 22, "deploy", Optional.empty(), Optional.empty()));
        return new DesiredState(file, new Revision(Optional.empty(), false), shape.service(), droplets, shape.ssh(),
                shape.registry(), shape.health(), shape.drain(), shape.balancer(), shape.rollout());
    }

    @Test
    void returnsToTheLastConvergedCommitsImagesAsANewCommitKeepingTheRestOfTheFile() throws Exception {
        RevCommit first = commit(text(V1, V1), "Deploy v1");
        converged(first, "converged");
        RevCommit second = commit(text(V2, V3), "Deploy v2");
        converged(second, "converged");

        Rollback.Done done = rollback.run(state(), Optional.empty());

        assertThat(done.target()).isEqualTo(first.name());
        assertThat(done.converged()).contains("run-" + first.name().substring(0, 6));
        assertThat(done.changes()).extracting(Rollback.Change::where)
                .containsExactly("service.image", "droplets[1].image");
        assertThat(Files.readString(file)).isEqualTo(text(V1, V1));
        RevCommit head = git.log().setMaxCount(1).call().iterator().next();
        assertThat(head.getParent(0)).isEqualTo(second);
        assertThat(head.getShortMessage()).startsWith("rollback to " + first.name().substring(0, 12) + " (Deploy v1):")
                .contains("service.image sha256:222222222222 -> sha256:111111111111");
        assertThat(git.status().call().isClean()).isTrue();
    }

    @Test
    void skipsAppliesThatDidNotConvergeAndGoesToANamedRevision() throws Exception {
        RevCommit first = commit(text(V1, V1), "Deploy v1");
        converged(first, "converged");
        RevCommit bad = commit(text(V3, V3), "Deploy v3");
        converged(bad, "rolled-back");
        commit(text(V2, V2), "Deploy v2");

        assertThat(rollback.run(state(), Optional.empty()).target()).isEqualTo(first.name());
        assertThat(rollback.run(state(), Optional.of(bad.name().substring(0, 8))).target()).isEqualTo(bad.name());
        assertThat(Files.readString(file)).isEqualTo(text(V3, V3));
    }

    @Test
    void refusesUncommittedChangesAnUnknownRevisionAndNothingToReturnTo() throws Exception {
        RevCommit only = commit(text(V1, V1), "Deploy v1");
        converged(only, "converged");

        assertThatThrownBy(() -> rollback.run(state(), Optional.empty())).isInstanceOf(Rollback.Refused.class)
                .hasMessageContaining("no converged apply of a commit whose images differ");
        assertThatThrownBy(() -> rollback.run(state(), Optional.of("no-such-tag")))
                .isInstanceOf(Rollback.Refused.class).hasMessageContaining("no commit named 'no-such-tag'");
        assertThatThrownBy(() -> rollback.run(state(), Optional.of("HEAD"))).isInstanceOf(Rollback.Refused.class)
                .hasMessageContaining("already names the images of");
        Files.writeString(file, text(V2, V2));
        assertThatThrownBy(() -> rollback.run(state(), Optional.of("HEAD"))).isInstanceOf(Rollback.Refused.class)
                .hasMessageContaining("changes that are not committed");
        assertThat(Files.readString(file)).isEqualTo(text(V2, V2));
        assertThat(git.log().call()).hasSize(1);
    }
}
