package dev.fleet.desired.pin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleet.desired.pin.SetImage.Outcome;
import dev.fleet.desired.pin.SetImage.Request;
import dev.fleet.desired.load.RegistryLogin;
import dev.fleet.infra.git.GitStateFiles;
import dev.fleet.infra.registry.FakeRegistry;
import dev.fleet.infra.registry.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** set-image as the command runs it: a real state file in a real git repository, a fake registry on loopback. */
class SetImageTest {

    private static final String OLD = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
    private static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"" + FakeRegistry.MANIFEST + "\"}";

    @TempDir
    Path dir;
    private FakeRegistry registry;
    private Path file;
    private Git git;
    private SetImage setImage;

    @BeforeEach
    void setUp() throws Exception {
        registry = new FakeRegistry();
        registry.login = FakeRegistry.Login.BASIC;
        file = dir.resolve("fleet.yaml");
        Files.writeString(file, """
                # demo's fleet
                service:
                  name: demo
                  image: %s/team/demo@%s # the image
                registry:
                  server: %s
                  username: deploy
                  password-from-env: FLEET_SECRET_REGISTRY_PASSWORD
                droplets:
                  - name: droplet-1
                    image: "%s/team/demo@%s"
                """.formatted(registry.host(), OLD, registry.host(), registry.host(), OLD));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        git.add().addFilepattern("fleet.yaml").call();
        git.commit().setMessage("first").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
        setImage = new SetImage(new RegistryLogin(Map.of("FLEET_SECRET_REGISTRY_PASSWORD", registry.password)),
                new RegistryClient(), new GitStateFiles());
    }

    @AfterEach
    void tearDown() {
        registry.close();
        git.close();
    }

    private Request request(String image, Optional<String> droplet, boolean commit) {
        return new Request(file, image, droplet, commit, false);
    }

    @Test
    void aTagIsResolvedWithTheStatesCredentialsAndOnlyTheImageLineChanges() throws Exception {
        String before = Files.readString(file);
        String digest = registry.push("team/demo", "v2", FakeRegistry.MANIFEST, MANIFEST);

        Outcome outcome = setImage.run(request(registry.host() + "/team/demo:v2", Optional.empty(), false));

        assertThat(outcome).isInstanceOf(Outcome.Changed.class);
        assertThat(Files.readString(file)).isEqualTo(before.replaceFirst(OLD, digest));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(registry.requests).last().asString().contains("Basic ");
    }

    @Test
    void withCommitTheFileAloneIsCommittedWithTagAndBothDigestsInTheMessage() throws Exception {
        String digest = registry.push("team/demo", "v2", FakeRegistry.MANIFEST, MANIFEST);
        Files.writeString(dir.resolve("notes.txt"), "not to be committed\n");

        Outcome outcome = setImage.run(request(registry.host() + "/team/demo:v2", Optional.of("droplet-1"), true));

        RevCommit head = git.log().setMaxCount(1).call().iterator().next();
        assertThat(head.getFullMessage()).isEqualTo("set-image demo on droplet-1: " + registry.host()
                + "/team/demo:v2 (sha256:4f53cda18c2b -> sha256:" + digest.substring(7, 19) + ")");
        assertThat(((Outcome.Changed) outcome).commit()).hasValueSatisfying(c -> assertThat(c)
                .startsWith(head.abbreviate(12).name()));
        assertThat(git.status().call().isClean()).isFalse();
        assertThat(git.status().call().getUntracked()).containsExactly("notes.txt");
        assertThat(git.status().call().getModified()).isEmpty();
    }

    @Test
    void withCommitAFileWithUncommittedChangesIsRefusedAndLeftAsItWas() throws Exception {
        Files.writeString(file, Files.readString(file) + "# a change of my own\n");
        String before = Files.readString(file);

        ImagePinException e = catchThrowableOfType(ImagePinException.class, () -> setImage.run(
                request(registry.host() + "/team/demo@sha256:" + "9b".repeat(32), Optional.empty(), true)));

        assertThat(e.reason()).isEqualTo(ImagePinException.Reason.UNCOMMITTED_CHANGES);
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(git.log().call()).hasSize(1);
    }

    @Test
    void aDigestIsSetWithoutAskingTheRegistry() throws Exception {
        String digest = "sha256:" + "9b".repeat(32);

        setImage.run(request(registry.host() + "/team/demo@" + digest, Optional.empty(), true));

        assertThat(Files.readString(file)).contains("image: " + registry.host() + "/team/demo@" + digest + " # the image");
        assertThat(registry.requests).isEmpty();
        assertThat(git.log().call()).hasSize(2);
    }

    @Test
    void theDigestTheLineAlreadyHasChangesNothingAndCommitsNothing() throws Exception {
        String before = Files.readString(file);

        Outcome outcome = setImage.run(request(registry.host() + "/team/demo@" + OLD, Optional.empty(), true));

        assertThat(outcome).isInstanceOf(Outcome.Already.class);
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(git.log().call()).hasSize(1);
    }
}
