package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LogSettings;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.ProxySpec;
import dev.fleet.desired.RegistryCredentials;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.RolloutStrategy;
import dev.fleet.desired.Secret;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshIdentity;
import dev.fleet.desired.SshSettings;
import dev.fleet.desired.StateProblem;
import dev.fleet.desired.VolumeMount;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateLoaderTest {

    private static final String DIGEST = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
    private static final ImageRef DEMO = new ImageRef("registry.example.com/team/demo", DIGEST);

    @TempDir
    Path dir;

    private StateFixture fixture;

    @BeforeEach
    void prepare() {
        fixture = new StateFixture(dir);
    }

    @Test
    void exampleStateLoadsWithEveryValueItDocuments() throws Exception {
        Path file = fixture.copy(Path.of("fleet-state/example.yaml"), "fleet.yaml");

        DesiredState state = fixture.loader().load(file);

        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("LOG_LEVEL", new EnvValue.Plain("info"));
        environment.put("WORKERS", new EnvValue.Plain("4"));
        environment.put("API_TOKEN",
                new EnvValue.SecretValue(new Secret(StateFixture.API_TOKEN), "env FLEET_SECRET_API_TOKEN"));
        environment.put("SESSION_KEY", new EnvValue.SecretValue(new Secret(StateFixture.SESSION_KEY),
                "file " + dir.resolve("secrets/session-key")));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("team", "web");
        labels.put("com.example.tier", "frontend");
        ImageRef canary = new ImageRef("registry.example.com/team/demo",
                "sha256:9b2a0c3e5d7f1e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a");
        DesiredState expected = new DesiredState(
                file,
                Revision.notInGit(),
                new ServiceSpec("demo", DEMO, new ContainerSettings(
                        List.of(new PortMapping(Optional.empty(), 80, 80, "tcp"),
                                new PortMapping(Optional.of("127.0.0.1"), 8081, 8081, "tcp"),
                                new PortMapping(Optional.empty(), 53, 53, "udp")),
                        environment, "always", labels,
                        Optional.of(List.of("/app/server", "--port", "80")),
                        Optional.of(List.of("/app/entrypoint.sh")),
                        List.of(new VolumeMount("demo-data", "/var/lib/demo", false),
                                new VolumeMount("/etc/demo", "/etc/demo", true)),
                        List.of("demo-backend"),
                        Optional.of("1000:1000"),
                        Optional.of("/app"),
                        new LogSettings("json-file", Map.of("max-size", "50m", "max-file", "5")),
                        new Limits(Optional.of(512L * 1024 * 1024), Optional.of(1_500_000_000L), Optional.of(200L)),
                        Optional.of("SIGTERM"),
                        Optional.of(Duration.ofSeconds(20)),
                        List.of("db.internal:10.10.0.5", "cache.internal:2001:db8::6"),
                        true)),
                List.of(new DropletSpec("droplet-1", "203.0.113.10", 22, "deploy", Optional.of(canary),
                                Optional.empty()),
                        new DropletSpec("droplet-2", "203.0.113.11", 2222, "deploy", Optional.empty(),
                                Optional.empty(), List.of("203.0.113.11"),
                                Map.of("REGION", new EnvValue.Plain("ams3")), List.of("ams3", "edge")),
                        new DropletSpec("droplet-3", "droplet-3.example.com", 22, "ops", Optional.empty(),
                                Optional.of("web3"))),
                new SshSettings(dir.resolve("home/.ssh/fleet_ed25519"), dir.resolve("known_hosts"),
                        Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.of(new RegistryCredentials("registry.example.com", "deploy",
                        new Secret(StateFixture.REGISTRY_PASSWORD))),
                new HealthSpec("/health", 80, 200, List.of(new HealthSpec.ContentCheck("/", "happy response")),
                        Duration.ofSeconds(2), 3, Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", 80),
                new BalancerSpec.Haproxy(Path.of("/run/haproxy/admin.sock"), "droplets"),
                new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60)));
        assertThat(state).isEqualTo(expected);
        assertThat(state.service().environment().keySet()).containsExactly(
                "LOG_LEVEL", "WORKERS", "API_TOKEN", "SESSION_KEY");
        // The container keys, as written (the whole-state comparison above says so too; these name them).
        ContainerSettings container = state.service().container();
        assertEquals(Optional.of(List.of("/app/server", "--port", "80")), container.command());
        assertEquals(Optional.of(List.of("/app/entrypoint.sh")), container.entrypoint());
        assertEquals(List.of("demo-data:/var/lib/demo", "/etc/demo:/etc/demo:ro"),
                container.volumes().stream().map(VolumeMount::text).toList());
        assertEquals(List.of("demo-backend"), container.networks());
        assertEquals(Optional.of("1000:1000"), container.user());
        assertEquals(Optional.of("/app"), container.workingDir());
        assertEquals(new LogSettings("json-file", Map.of("max-size", "50m", "max-file", "5")), container.log());
        assertEquals(Optional.of(536_870_912L), container.limits().memoryBytes());
        assertEquals(Optional.of(1_500_000_000L), container.limits().nanoCpus());
        assertEquals(Optional.of(200L), container.limits().pids());
        assertEquals(Optional.of("SIGTERM"), container.stopSignal());
        assertEquals(Optional.of(Duration.ofSeconds(20)), container.stopGrace());
        assertEquals(List.of("db.internal:10.10.0.5", "cache.internal:2001:db8::6"), container.extraHosts());
        assertTrue(container.init());
        assertEquals(Map.of("REGION", new EnvValue.Plain("ams3")), state.droplets().get(1).environment());
        assertEquals(Map.of(), state.droplets().get(0).environment());
    }

    @Test
    void minimalStateGetsTheDocumentedDefaults() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml");

        DesiredState state = fixture.loader().load(file);

        assertThat(state.service().restart()).isEqualTo("always");
        assertThat(state.service().environment()).isEmpty();
        assertThat(state.service().labels()).isEmpty();
        assertThat(state.registry()).isEmpty();
        assertThat(state.droplets()).extracting(DropletSpec::port, DropletSpec::user, DropletSpec::serverName)
                .containsExactly(
                        tuple(22, "deploy", "droplet-1"),
                        tuple(22, "deploy", "droplet-2"));
        assertThat(state.ssh()).isEqualTo(new SshSettings(dir.resolve("id_ed25519"), dir.resolve("known_hosts"),
                Duration.ofSeconds(5), Duration.ofSeconds(30)));
        assertThat(state.health()).isEqualTo(new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3,
                Duration.ofSeconds(1)));
        assertThat(state.drain()).isEqualTo(new DrainSpec("/shutdown", "GET", 80));
        assertThat(state.balancer()).isEqualTo(new BalancerSpec.Haproxy(dir.resolve("haproxy.sock"), "droplets"));
        assertThat(state.rollout()).isEqualTo(new RolloutPolicy(1, true, Duration.ofSeconds(10),
                Duration.ofSeconds(60)));
    }

    @Test
    void labStateLoadsAsDeployLabLabWritesIt() throws Exception {
        // states/valid/lab.yaml is write_state_repository's output, with @LAB_DIR@ for the lab's folder.
        String lab = Files.readString(StateFixture.resource("valid/lab.yaml")).replace("@LAB_DIR@", dir.toString());
        Files.createDirectories(dir.resolve("state"));
        Files.copy(dir.resolve("known_hosts"), dir.resolve("state/known_hosts"));
        Path file = Files.writeString(dir.resolve("state/fleet.yaml"), lab);

        DesiredState state = fixture.loader().load(file);

        assertThat(state.service().name()).isEqualTo("demo");
        assertThat(state.service().image().repository()).isEqualTo("registry.lab:5000/fleet-demo");
        assertThat(state.service().ports()).containsExactly(new PortMapping(Optional.empty(), 80, 80, "tcp"));
        assertThat(state.droplets()).extracting(DropletSpec::name, DropletSpec::host, DropletSpec::port)
                .containsExactly(
                        tuple("droplet-1", "127.0.0.1", 40001),
                        tuple("droplet-2", "127.0.0.1", 40002),
                        tuple("droplet-3", "127.0.0.1", 40003));
        assertThat(state.ssh().identity())
                .isEqualTo(new SshIdentity.KeyFile(dir.resolve("id_ed25519"), Optional.empty()));
        assertThat(state.ssh().knownHosts()).isEqualTo(dir.resolve("state/known_hosts"));
        assertThat(state.health().checks()).containsExactly(new HealthSpec.ContentCheck("/", "happy response"));
        assertThat(state.balancer()).isEqualTo(new BalancerSpec.Haproxy(dir.resolve("haproxy.sock"), "droplets"));
    }

    @Test
    void blueGreenStateGetsItsProxyDefaultsAndChecksTheAppPortOfEachColour() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/blue-green.yaml"), "fleet.yaml");

        DesiredState state = fixture.loader().load(file);

        assertThat(state.rollout().strategy()).isEqualTo(RolloutStrategy.BLUE_GREEN);
        assertThat(state.balancer()).isEqualTo(new BalancerSpec.None());
        assertThat(state.proxy()).contains(new ProxySpec(8080, "/etc/nginx/conf.d/fleet-demo.conf", "fleet_demo", 8099,
                "sudo -n nginx -t", "sudo -n nginx -s reload", Duration.ofSeconds(30)));
        assertThat(state.health().port()).as("health checks go to the app's port in each colour").isEqualTo(8080);
        assertThat(state.service().ports()).isEmpty();
    }

    @Test
    void healthCheckBalancerCarriesItsTiming() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal().replace(
                "  kind: haproxy\n  socket: haproxy.sock\n  backend: droplets\n",
                "  kind: health-check\n  interval: 10s\n  unhealthy-threshold: 3\n  healthy-threshold: 5\n"));

        assertThat(fixture.loader().load(file).balancer())
                .isEqualTo(new BalancerSpec.HealthCheck(Duration.ofSeconds(10), 3, 5));
    }

    @Test
    void messageListsEveryProblemInFileOrderLikeACompiler() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal()
                .replace("@" + DIGEST, ":v2")
                .replace("    host: 10.0.0.2\n", "    host: 10.0.0.2\n    prot: 22\n")
                .replace("  user: deploy\n", "  user: deploy\n  connect-timeout: 5\n"));

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.problems()).extracting(StateProblem::line).containsExactly(4, 11, 14);
        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                file + ":4:10: service.image: \"registry.example.com/team/demo:v2\" is pinned by tag, not by digest",
                "  hint: find its digest with: docker buildx imagetools inspect registry.example.com/team/demo:v2"
                        + " (the Digest: line), or after a pull: docker inspect --format"
                        + " '{{index .RepoDigests 0}}' registry.example.com/team/demo:v2;"
                        + " then write registry.example.com/team/demo@sha256:<64 hex digits>",
                file + ":11:5: droplets[1].prot: unknown key; did you mean 'port'?",
                file + ":14:20: ssh.connect-timeout: \"5\" has no unit",
                "  hint: write a whole number and a unit: 500ms, 5s, 2m or 1h (5s for seconds)"));
    }

    @Test
    void anIdentityFileGroupOrOthersCanOpenIsRefusedAtItsLineWithTheChmodThatFixesIt() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml");
        Path key = dir.resolve("id_ed25519");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                file + ":13:18: ssh.identity-file: " + key + " is open to group or others (mode 0644); fleet, like ssh,"
                        + " refuses a private key that others can read (UNPROTECTED PRIVATE KEY FILE)",
                "  hint: chmod 600 " + key));
    }

    @Test
    void anIdentityFileOnlyItsOwnerCanOpenIsAccepted() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml");
        Files.setPosixFilePermissions(dir.resolve("id_ed25519"), PosixFilePermissions.fromString("r--------"));

        assertThat(fixture.loader().load(file).ssh().identity())
                .isEqualTo(new SshIdentity.KeyFile(dir.resolve("id_ed25519"), Optional.empty()));
    }

    @Test
    void theKeysPassphraseComesFromFleetSshPassphraseInTheEnvironment() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml");
        fixture.env.put("FLEET_SSH_PASSPHRASE", "sentinel-passphrase-Qz4");

        SshIdentity identity = fixture.loader().load(file).ssh().identity();

        assertThat(identity).isEqualTo(new SshIdentity.KeyFile(dir.resolve("id_ed25519"), Optional.of(
                new SshIdentity.Passphrase(new Secret("sentinel-passphrase-Qz4"), "env FLEET_SSH_PASSPHRASE"))));
        assertThat(identity.toString()).doesNotContain("sentinel-passphrase-Qz4");
    }

    @Test
    void theKeysPassphraseComesFromTheFileFleetSshPassphraseFileNamesWithoutItsLastLineBreak() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml");
        Path passphrase = StateFixture.ownerOnly(fixture.write("passphrase", "sentinel-passphrase-Qz4\n"));
        fixture.env.put("FLEET_SSH_PASSPHRASE_FILE", passphrase.toString());

        SshIdentity identity = fixture.loader().load(file).ssh().identity();

        assertThat(identity).isEqualTo(new SshIdentity.KeyFile(dir.resolve("id_ed25519"), Optional.of(
                new SshIdentity.Passphrase(new Secret("sentinel-passphrase-Qz4"), "file " + passphrase))));
    }

    @Test
    void aPassphraseFileGroupOrOthersCanOpenIsRefusedWithTheChmodThatFixesIt() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml");
        Path passphrase = fixture.write("passphrase", "sentinel-passphrase-Qz4\n");
        Files.setPosixFilePermissions(passphrase, PosixFilePermissions.fromString("rw-r-----"));
        fixture.env.put("FLEET_SSH_PASSPHRASE_FILE", passphrase.toString());

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                file + ":13:18: ssh.identity-file: FLEET_SSH_PASSPHRASE_FILE names " + passphrase + ", which is open to"
                        + " group or others (mode 0640); fleet refuses a passphrase file that others can read, as it"
                        + " refuses such a key",
                "  hint: chmod 600 " + passphrase));
    }

    @Test
    void aPassphraseInTheEnvironmentAndAPassphraseFileBothIsAProblemThatNeverShowsThePassphrase() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml");
        fixture.env.put("FLEET_SSH_PASSPHRASE", "sentinel-passphrase-Qz4");
        fixture.env.put("FLEET_SSH_PASSPHRASE_FILE", StateFixture.ownerOnly(fixture.write("passphrase", "other\n"))
                .toString());

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                file + ":13:18: ssh.identity-file: both FLEET_SSH_PASSPHRASE and FLEET_SSH_PASSPHRASE_FILE are set in"
                        + " fleet's environment",
                "  hint: unset one of them"));
    }

    @Test
    void withoutAnIdentityFileFleetLogsInWithTheAgentAtSshAuthSock() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal().replace("  identity-file: id_ed25519\n", ""));
        Path socket = fixture.write("agent.sock", "stands in for the agent's socket\n");
        fixture.env.put("SSH_AUTH_SOCK", socket.toString());

        assertThat(fixture.loader().load(file).ssh().identity()).isEqualTo(new SshIdentity.Agent(socket));
    }

    @Test
    void withoutAnIdentityFileNorSshAuthSockTheIdentityFileIsMissingAndTheHintNamesBoth() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal().replace("  identity-file: id_ed25519\n", ""));

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                file + ":12:3: ssh: required key 'identity-file' is missing",
                "  hint: the private key fleet logs in with, e.g. ~/.ssh/fleet_ed25519; or leave it out and run fleet"
                        + " with SSH_AUTH_SOCK set, to log in with the keys of your ssh-agent"));
    }

    @Test
    void withoutAnIdentityFileAnSshAuthSockThatNamesNothingIsAProblem() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal().replace("  identity-file: id_ed25519\n", ""));
        fixture.env.put("SSH_AUTH_SOCK", dir.resolve("gone.sock").toString());

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.problems()).singleElement().extracting(StateProblem::message).isEqualTo("ssh: no identity-file,"
                + " so fleet logs in with the ssh-agent at SSH_AUTH_SOCK, " + dir.resolve("gone.sock")
                + ", which does not exist");
    }

    @Test
    void fileOverTheLimitIsRefusedWhereItPassesItAndNotReadAsText() throws Exception {
        Path file = dir.resolve("fleet.yaml");
        // Sparse: the size says 2 MiB while nothing is written, so reading it as text would find
        // NUL bytes at 1:1; only the size is reported.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(2L * 1024 * 1024);
        }

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(1);
            assertThat(problem.column()).isEqualTo(262_145);
            assertThat(problem.message()).isEqualTo("the file is 2097152 bytes; a state file may be at most 256 KiB"
                    + " (262144 bytes), and this is where it passes that");
        });
    }

    @Test
    void fileOverTheLimitIsRefusedAtTheLineWhereItPassesIt() throws Exception {
        String line = "# a comment line of forty characters..\n";
        int lines = 262_144 / line.length();
        Path file = fixture.write("fleet.yaml", line.repeat(lines + 10));

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(lines + 1);
            assertThat(problem.column()).isEqualTo(262_144 - lines * line.length() + 1);
        });
    }

    @Test
    void missingFileIsAProblemOfTheWholeFile() {
        Path file = dir.resolve("nowhere.yaml");

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.getMessage()).startsWith(file + ": does not exist");
    }

    @Test
    void utf8ByteOrderMarkIsAccepted() throws Exception {
        Path file = dir.resolve("fleet.yaml");
        byte[] text = minimal().getBytes(StandardCharsets.UTF_8);
        byte[] withMark = new byte[text.length + 3];
        withMark[0] = (byte) 0xEF;
        withMark[1] = (byte) 0xBB;
        withMark[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withMark, 3, text.length);
        Files.write(file, withMark);

        assertThat(fixture.loader().load(file).service().name()).isEqualTo("demo");
    }

    @Test
    void utf16WithByteOrderMarkIsRefusedAsNotUtf8() throws Exception {
        Path file = dir.resolve("fleet.yaml");
        Files.write(file, ("\uFEFF" + minimal()).getBytes(StandardCharsets.UTF_16LE));

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.problems()).singleElement().extracting(StateProblem::message).asString()
                .startsWith("the file is UTF-16LE (it starts with a byte order mark)");
    }

    @Test
    void aFewAnchorsAndAliasesAreAllowed() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal()
                .replace("    host: 10.0.0.1\n", "    host: 10.0.0.1\n    user: &user deploy\n")
                .replace("    host: 10.0.0.2\n", "    host: 10.0.0.2\n    user: *user\n"));

        assertThat(fixture.loader().load(file).droplets().get(1).user()).isEqualTo("deploy");
    }

    @Test
    void oneDropletFleetMayTakeItsOnlyDropletOutOfRotation() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal()
                .replace("  - name: droplet-2\n    host: 10.0.0.2\n", "")
                + "rollout:\n  max-unavailable: 1\n");

        assertThat(fixture.loader().load(file).rollout().maxUnavailable()).isEqualTo(1);
    }

    @Test
    void defaultHealthPortMustBePublishedByTheService() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal().replace("[\"80:80\"]", "[\"8080:80\"]"));

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(file));

        assertThat(e.problems()).extracting(StateProblem::message).containsExactly(
                "service.ports: publishes no TCP port 80, which health uses by default (TCP ports published: [8080])",
                "service.ports: publishes no TCP port 80, which drain uses by default (TCP ports published: [8080])");
    }

    @Test
    void revisionIsWhatTheRevisionSourceSays() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal());
        Revision revision = new Revision(Optional.of("0123456789abcdef0123456789abcdef01234567"), true);
        StateLoader loader = new StateLoader(fixture.env, f -> {
            assertThat(f).isEqualTo(file);
            return revision;
        });

        DesiredState state = loader.load(file);

        assertThat(state.revision()).isEqualTo(revision);
        assertThat(state.file()).isEqualTo(file);
    }

    @Test
    void unreadableGitRepositoryIsAProblemOfTheWholeFile() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal());
        StateLoader loader = new StateLoader(fixture.env, f -> {
            throw new IOException("bad object HEAD");
        });

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> loader.load(file));

        assertThat(e.getMessage()).startsWith(file + ": its git repository cannot be read: bad object HEAD");
    }

    @Test
    void secretValuesNeverAppearInMessagesNorInTheLoadedState() throws Exception {
        Path example = fixture.copy(Path.of("fleet-state/example.yaml"), "fleet.yaml");
        DesiredState state = fixture.loader().load(example);
        assertThat(state.toString()).contains(Secret.REDACTED).doesNotContain(sentinels());

        // The same secrets around mistakes, and a secret pasted where a variable's name belongs.
        Files.writeString(example, Files.readString(example)
                .replace("      expect: happy response", "      expect: [happy]")
                .replace("    LOG_LEVEL: info", "    LOG_LEVEL: { secret-from-env: " + StateFixture.API_TOKEN + "-x }")
                .replace("    WORKERS: 4", "    WORKERS: { secret-from-env: \"" + StateFixture.SESSION_KEY + " \" }")
                .replace("  username: deploy",
                        "  password: " + StateFixture.REGISTRY_PASSWORD + "\n  username: deploy"));
        InvalidStateException e =
                catchThrowableOfType(InvalidStateException.class, () -> fixture.loader().load(example));
        assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(e.getMessage()).doesNotContain(sentinels());
        assertThat(e.toString()).doesNotContain(sentinels());
    }

    @Test
    void secretFileLosesOneTrailingNewlineOnly() throws Exception {
        fixture.write("secrets/session-key", "line one\nline two\n\n");
        Path file = fixture.write("fleet.yaml", minimal().replace("  ports:",
                "  environment:\n    KEY: { secret-from-file: secrets/session-key }\n  ports:"));

        EnvValue value = fixture.loader().load(file).service().environment().get("KEY");

        assertThat(((EnvValue.SecretValue) value).value().reveal()).isEqualTo("line one\nline two\n");
    }

    @Test
    void valuesAreReadAsWrittenNotAsYamlGuessesThem() throws Exception {
        Path file = fixture.write("fleet.yaml", minimal().replace("  ports:",
                "  restart: no\n  environment:\n    COUNTRY: NO\n    MODE: 0755\n    RATIO: 1.50\n  ports:"));

        ServiceSpec service = fixture.loader().load(file).service();

        assertThat(service.restart()).isEqualTo("no");
        assertThat(service.environment()).containsExactly(
                Map.entry("COUNTRY", new EnvValue.Plain("NO")),
                Map.entry("MODE", new EnvValue.Plain("0755")),
                Map.entry("RATIO", new EnvValue.Plain("1.50")));
    }

    private static String minimal() throws IOException {
        return Files.readString(StateFixture.resource("valid/minimal.yaml"));
    }

    private static CharSequence[] sentinels() {
        return new CharSequence[] {StateFixture.API_TOKEN, StateFixture.REGISTRY_PASSWORD, StateFixture.SESSION_KEY};
    }
}
