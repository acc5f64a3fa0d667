package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet watch --repo ssh://...} against a real sshd: the state's repository is a bare
 * repository in the deploy user's home on a lab droplet, served by that droplet's OpenSSH and its
 * {@code git-upload-pack}, pushed to with git and ssh as a user pushes. fleet logs in with a key
 * from its environment (encrypted, its passphrase in a file) and checks the server's host key
 * against the known_hosts file its environment names, never trusting one on first use.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitOverSshIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(1);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String PASSPHRASE = "git-key-passphrase-sentinel-4Qw";

    @TempDir
    static Path temp;

    private static Path key;
    private static Path passphraseFile;
    private static String remote;
    private static FleetProcess.Running watch;
    private static URI status;

    @BeforeAll
    static void serveTheStateOverSshAndWatchIt() throws Exception {
        LabDroplet droplet = lab().droplets().getFirst();
        // The lab's key, encrypted: the same public key, which the droplet authorizes already.
        key = temp.resolve("git_ed25519");
        Files.copy(lab().sshKey(), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        run(List.of("ssh-keygen", "-q", "-p", "-P", "", "-N", PASSPHRASE, "-f", key.toString()), Map.of());
        passphraseFile = Files.writeString(temp.resolve("git-passphrase"), PASSPHRASE + "\n");
        Files.setPosixFilePermissions(passphraseFile, PosixFilePermissions.fromString("rw-------"));

        assertThat(lab().ssh(droplet.name(), "git", "init", "-q", "--bare", "-b", "main", "state.git").succeeded())
                .as("git on the droplet").isTrue();
        remote = "ssh://" + lab().sshUser() + "@127.0.0.1:" + droplet.sshPort() + "/~/state.git";
        push();

        status = URI.create("http://127.0.0.1:" + freePort());
        watch = FleetProcess.start(gitEnvironment(lab().knownHosts()), "watch", "--repo", remote, "--path",
                "fleet.yaml", "--interval", "1s", "--listen", status.getHost() + ":" + status.getPort(),
                "--workdir", temp.resolve("clones").toString());
    }

    @AfterAll
    static void stopWatching() {
        if (watch != null) {
            watch.close();
        }
    }

    @Test
    @Order(1)
    void aStateOnAnSshRemoteWhoseHostKeyIsKnownIsFetchedAndANewlyPushedCommitIsPickedUp() throws Exception {
        awaitStatus(status, watch, "the state fetched over SSH, the droplet in sync", Duration.ofSeconds(60),
                json -> json.path("drift").path("summary").path("IN_SYNC").asInt() == 1);
        assertThat(cloneHead()).isEqualTo(head());

        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2")), "deploy v2");
        push();

        awaitStatus(status, watch, "the pushed commit fetched: the droplet runs v1, the state wants v2", Duration.ofSeconds(30),
                json -> json.path("drift").path("summary").path("IMAGE_DRIFT").asInt() == 1);
        assertThat(cloneHead()).isEqualTo(head());
        assertThat(statusJson(status).path("stale").asBoolean()).isFalse();
    }

    @Test
    @Order(2)
    void theKeyItsPassphraseAndTheirPathsAreNeitherInFleetsArgumentsNorInTheClonesGitConfigNorSaid() throws Exception {
        String arguments = watch.handle().info().commandLine().orElseThrow();
        String gitConfig = Files.readString(fleetsClone().resolve(".git").resolve("config"));

        assertThat(arguments).contains(remote).doesNotContain(key.toString(), passphraseFile.toString(), PASSPHRASE);
        assertThat(watch.handle().descendants().map(p -> p.info().command().orElse("?")).toList())
                .as("no ssh (nor any other) process started for the fetch").isEmpty();
        assertThat(gitConfig).contains("url = " + remote).doesNotContain(key.toString(), PASSPHRASE, "sshCommand",
                "passphrase");
        assertThat(watch.stdout() + watch.stderr() + get(status, "/").body()).doesNotContain(PASSPHRASE);
    }

    @Test
    @Order(3)
    void anSshRemoteWhoseHostKeyIsUnknownOrChangedIsRefusedSayingWhatToDoAndNothingIsFetched() throws Exception {
        LabDroplet droplet = lab().droplets().getFirst();
        String host = "[127.0.0.1]:" + droplet.sshPort();
        Path unknown = Files.writeString(temp.resolve("known_hosts_other"), Files.readString(lab().knownHosts())
                .replace(host, "[127.0.0.1]:1"));
        String otherKey = Files.readString(Path.of(lab().sshKey() + ".pub")).split(" ")[1];
        Path changed = Files.writeString(temp.resolve("known_hosts_changed"), host + " ssh-ed25519 " + otherKey + "\n");

        String unknownProblem = refusal(unknown, "unknown");
        String changedProblem = refusal(changed, "changed");

        assertThat(unknownProblem).contains("the host key of " + host + " is not in " + unknown)
                .contains("the git server presented ssh-").contains("never trusts a host key on first use")
                .contains("ssh-keyscan -p " + droplet.sshPort() + " -t ").contains(">> " + unknown);
        assertThat(changedProblem).contains("the host key of " + host + " changed: " + changed + " expects ssh-ed25519")
                .contains("fleet refuses to talk to it, since it may be another machine");
    }

    /** What a watch trusting {@code knownHosts} says of the remote; it fetched nothing. */
    private static String refusal(Path knownHosts, String name) throws Exception {
        Path clones = temp.resolve("clones-" + name);
        URI address = URI.create("http://127.0.0.1:" + freePort());
        try (FleetProcess.Running refused = FleetProcess.start(gitEnvironment(knownHosts), "watch", "--repo", remote,
                "--path", "fleet.yaml", "--interval", "1s", "--listen", address.getHost() + ":" + address.getPort(),
                "--workdir", clones.toString())) {
            awaitStatus(address, refused, "the remote refused", Duration.ofSeconds(30),
                    json -> !json.path("sourceProblem").isNull());
            JsonNode json = statusJson(address);
            assertThat(json.path("drift").isNull()).as("nothing loaded").isTrue();
            try (Stream<Path> files = Files.exists(clones) ? Files.walk(clones) : Stream.empty()) {
                assertThat(files.filter(f -> f.getFileName().toString().equals("fleet.yaml")).toList())
                        .as("nothing fetched").isEmpty();
            }
            assertThat(refused.stdout()).contains(json.path("sourceProblem").asText());
            return json.path("sourceProblem").asText();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Lab lab() {
        return lab.get();
    }

    /** fleet's environment for the remote: known_hosts, the key and its passphrase file; no agent. */
    private static Map<String, String> gitEnvironment(Path knownHosts) {
        return Map.of("FLEET_GIT_KNOWN_HOSTS", knownHosts.toString(), "FLEET_GIT_SSH_KEY", key.toString(),
                "FLEET_GIT_SSH_PASSPHRASE_FILE", passphraseFile.toString(), "SSH_AUTH_SOCK", "");
    }

    /** Pushes the lab's state repository to the droplet, with git and OpenSSH's ssh, as a user would. */
    private static void push() throws IOException, InterruptedException {
        String ssh = "ssh -i " + lab().sshKey() + " -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes"
                + " -o UserKnownHostsFile=" + lab().knownHosts() + " -o GlobalKnownHostsFile=/dev/null"
                + " -o StrictHostKeyChecking=yes -o LogLevel=ERROR";
        run(List.of("git", "-C", lab().stateFile().getParent().toString(), "push", "-q", remote, "main"),
                Map.of("GIT_SSH_COMMAND", ssh));
    }

    private static String head() throws IOException, InterruptedException {
        return run(List.of("git", "-C", lab().stateFile().getParent().toString(), "rev-parse", "HEAD"), Map.of());
    }

    private static String cloneHead() throws IOException, InterruptedException {
        return run(List.of("git", "-C", fleetsClone().toString(), "rev-parse", "HEAD"), Map.of());
    }

    /** fleet's clone of the remote: the one folder under the watch's workdir. */
    private static Path fleetsClone() throws IOException {
        try (Stream<Path> folders = Files.list(temp.resolve("clones"))) {
            return folders.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static String run(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    private static JsonNode statusJson(URI base) throws IOException {
        HttpResponse<String> response = get(base, "/drift.json");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void awaitStatus(URI base, FleetProcess.Running fleet, String what, Duration timeout,
            Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            assertThat(fleet.isAlive()).as("fleet watch ended: %s%n%s", fleet.stdout(), fleet.stderr()).isTrue();
            try {
                HttpResponse<String> response = get(base, "/drift.json");
                last = response.body();
                if (response.statusCode() == 200 && condition.test(JSON.readTree(response.body()))) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("waited " + timeout.toSeconds() + "s for " + what + "; last status: " + last
                + "\nfleet watch said:\n" + fleet.stdout() + fleet.stderr());
    }

    private static HttpResponse<String> get(URI base, String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
