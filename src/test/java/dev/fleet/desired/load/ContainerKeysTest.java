package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LogSettings;
import dev.fleet.desired.Secret;
import dev.fleet.desired.StateProblem;
import dev.fleet.desired.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The keys of {@code service:} that shape its container beyond ports, environment, restart and
 * labels, and each droplet's own {@code environment}: read as written, defaults when absent, and
 * every rule's problem at its position with its hint.
 *
 * <p>The files are {@code states/valid/minimal.yaml} with lines added after {@code ports:} (line 5),
 * so the first added line is line 6.
 */
class ContainerKeysTest {

    @TempDir
    Path dir;

    private StateFixture fixture;

    @BeforeEach
    void prepare() {
        fixture = new StateFixture(dir);
    }

    @Test
    void absentKeysGiveTheDefaults() throws Exception {
        DesiredState state = load(minimal());

        ContainerSettings container = state.service().container();
        assertThat(container.command()).isEmpty();
        assertThat(container.entrypoint()).isEmpty();
        assertThat(container.volumes()).isEqualTo(List.of());
        assertThat(container.networks()).isEqualTo(List.of());
        assertThat(container.user()).isEmpty();
        assertThat(container.workingDir()).isEmpty();
        assertThat(container.log()).isEqualTo(LogSettings.DEFAULT);
        assertThat(container.limits()).isEqualTo(Limits.NONE);
        assertThat(container.stopSignal()).isEmpty();
        assertThat(container.stopGrace()).isEmpty();
        assertThat(container.extraHosts()).isEqualTo(List.of());
        assertThat(container.init()).isFalse();
        assertThat(state.droplets()).allSatisfy(d -> assertThat(d.environment()).isEmpty());
    }

    @Test
    void everyKeyIsReadAsWritten() throws Exception {
        DesiredState state = load(service("""
                  command: [/app/server, --port, 80, "--name=a b", ""]
                  entrypoint:
                    - /usr/local/bin/entry
                  volumes:
                    - data.v1:/var/lib/data
                    - /srv/demo/config:/etc/demo:ro
                    - /srv/demo/cache:/cache:rw
                    - /:/host:ro
                  networks: [backend, metrics_2, a.b-c]
                  user: app
                  working-dir: /srv/app
                  log:
                    driver: journald
                    options: { tag: demo, labels: "team,tier" }
                  limits: { memory: 1g, cpus: 0.25, pids: 4194304 }
                  stop-signal: quit
                  stop-grace: 29s
                  extra-hosts: ["db:10.0.0.5", "db:2001:db8::5", "a-b.example.com:0.0.0.0", "v6:::1"]
                  init: false
                """));

        ContainerSettings container = state.service().container();
        assertThat(container.command()).contains(List.of("/app/server", "--port", "80", "--name=a b", ""));
        assertThat(container.entrypoint()).contains(List.of("/usr/local/bin/entry"));
        assertThat(container.volumes()).containsExactly(
                new VolumeMount("data.v1", "/var/lib/data", false),
                new VolumeMount("/srv/demo/config", "/etc/demo", true),
                new VolumeMount("/srv/demo/cache", "/cache", false),
                new VolumeMount("/", "/host", true));
        assertThat(container.volumes()).extracting(VolumeMount::bind).containsExactly(false, true, true, true);
        assertThat(container.networks()).containsExactly("backend", "metrics_2", "a.b-c");
        assertThat(container.user()).contains("app");
        assertThat(container.workingDir()).contains("/srv/app");
        assertThat(container.log())
                .isEqualTo(new LogSettings("journald", Map.of("tag", "demo", "labels", "team,tier")));
        assertThat(container.limits()).isEqualTo(new Limits(Optional.of(1L << 30), Optional.of(250_000_000L),
                Optional.of(4_194_304L)));
        assertThat(container.stopSignal()).contains("SIGQUIT");
        assertThat(container.stopGrace()).contains(Duration.ofSeconds(29));
        assertThat(container.extraHosts())
                .containsExactly("db:10.0.0.5", "db:2001:db8::5", "a-b.example.com:0.0.0.0", "v6:::1");
        assertThat(container.init()).isFalse();
    }

    @Test
    void initTrue() throws Exception {
        assertThat(load(service("  init: true\n")).service().container().init()).isTrue();
    }

    @Test
    void userMayBeAUidAndGid() throws Exception {
        // Unquoted, YAML 1.1 would make 1000:1000 a base-60 number; it is read as written.
        assertThat(load(service("  user: 1000:1000\n")).service().container().user()).contains("1000:1000");
        assertThat(load(service("  user: \"1000\"\n")).service().container().user()).contains("1000");
    }

    @Test
    void logGivenWithoutOptionsIsExactlyWhatIsWritten() throws Exception {
        assertThat(load(service("  log: { driver: json-file }\n")).service().container().log())
                .isEqualTo(new LogSettings("json-file", Map.of()));
        assertThat(load(service("  log:\n    driver: local\n    options: {}\n")).service().container().log())
                .isEqualTo(new LogSettings("local", Map.of()));
    }

    @Test
    void emptyLimitsAreNoLimits() throws Exception {
        assertThat(load(service("  limits: {}\n")).service().container().limits()).isEqualTo(Limits.NONE);
    }

    @ParameterizedTest(name = "memory {0} is {1} bytes")
    @CsvSource({
        "6m, 6291456",
        "6M, 6291456",
        "512m, 536870912",
        "1g, 1073741824",
        "2G, 2147483648",
        "8192k, 8388608",
        "8192K, 8388608",
        "6291456, 6291456",
        "6291456b, 6291456",
        "7340032B, 7340032",
    })
    void memoryIsReadInMultiplesOf1024(String written, long bytes) throws Exception {
        assertThat(load(service("  limits:\n    memory: " + written + "\n")).service().container().limits()
                .memoryBytes()).contains(bytes);
    }

    @ParameterizedTest(name = "cpus {0} is {1} nano CPUs")
    @CsvSource({
        "0.01, 10000000",
        "0.5, 500000000",
        "1, 1000000000",
        "1.5, 1500000000",
        "1.50, 1500000000",
        "2.125, 2125000000",
        "0.3330, 333000000",
        "1024, 1024000000000",
    })
    void cpusAreReadExactly(String written, long nanoCpus) throws Exception {
        assertThat(load(service("  limits:\n    cpus: " + written + "\n")).service().container().limits().nanoCpus())
                .contains(nanoCpus);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "SIGTERM, SIGTERM",
        "TERM, SIGTERM",
        "sigint, SIGINT",
        "QUIT, SIGQUIT",
        "HUP, SIGHUP",
        "SIGUSR1, SIGUSR1",
        "USR2, SIGUSR2",
        "WINCH, SIGWINCH",
        "KILL, SIGKILL",
    })
    void stopSignalIsNormalisedToItsSigName(String written, String signal) throws Exception {
        assertThat(load(service("  stop-signal: " + written + "\n")).service().container().stopSignal())
                .contains(signal);
    }

    @Test
    void stopGraceMayBeLongerWhenTheCommandTimeoutIs() throws Exception {
        String yaml = service("  stop-grace: 45s\n").replace("  known-hosts: known_hosts\n",
                "  known-hosts: known_hosts\n  command-timeout: 60s\n");

        assertThat(load(yaml).service().container().stopGrace()).contains(Duration.ofSeconds(45));
    }

    // --- command and entrypoint

    @Test
    void commandAsOneStringIsRefusedBecauseItWouldNeedAShell() throws Exception {
        StateProblem problem = fixture.single(service("  command: /app/server --port 80\n"));

        assertPosition(problem, 6, 12);
        assertThat(problem.message()).isEqualTo("service.command: expected a list of words, found text");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint)
                .contains("[\"/app/server\", \"--port\", \"80\"]", "shell", "fleet never runs one"));
    }

    @Test
    void entrypointAsOneStringIsRefusedToo() throws Exception {
        StateProblem problem = fixture.single(service("  entrypoint: \"/entry.sh\"\n"));

        assertPosition(problem, 6, 15);
        assertThat(problem.message()).isEqualTo("service.entrypoint: expected a list of words, found text");
    }

    @Test
    void emptyCommandIsRefused() throws Exception {
        StateProblem problem = fixture.single(service("  command: []\n"));

        assertPosition(problem, 6, 12);
        assertThat(problem.message()).isEqualTo("service.command: the list is empty");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("leave command out",
                "image's CMD"));
    }

    @Test
    void emptyEntrypointIsRefused() throws Exception {
        StateProblem problem = fixture.single(service("  entrypoint: []\n"));

        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("image's ENTRYPOINT"));
    }

    @Test
    void commandWordMustBeText() throws Exception {
        StateProblem problem = fixture.single(service("  command:\n    - /app/server\n    - [nested]\n"));

        assertPosition(problem, 8, 7);
        assertThat(problem.message()).isEqualTo("service.command[1]: expected text, found a list");
    }

    @Test
    void commandWordWithNulIsRefused() throws Exception {
        StateProblem problem = fixture.single(service("  command: [\"/app/server\", \"a\\0b\"]\n"));

        assertPosition(problem, 6, 28);
        assertThat(problem.message()).contains("service.command[1]", "NUL");
    }

    // --- volumes

    @Test
    void relativeBindMountIsRefused() throws Exception {
        StateProblem problem = fixture.single(service("  volumes:\n    - ./data:/data\n"));

        assertPosition(problem, 7, 7);
        assertThat(problem.message())
                .isEqualTo("service.volumes[0]: \"./data:/data\": the source \"./data\" is a relative path");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint)
                .contains("bind mounts must be absolute paths on the droplet"));
    }

    @Test
    void homeFolderBindMountIsRefused() throws Exception {
        StateProblem problem = fixture.single(service("  volumes: [\"~/data:/data\"]\n"));

        assertPosition(problem, 6, 13);
        assertThat(problem.message()).contains("service.volumes[0]", "\"~/data\"", "not an absolute path",
                "~ is not expanded");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("absolute paths"));
    }

    @Test
    void pathWithSlashButNotAbsoluteIsARelativePath() throws Exception {
        assertThat(fixture.single(service("  volumes: [\"srv/data:/data\"]\n")).message()).contains("a relative path");
    }

    @Test
    void badVolumeNamesAreEachReported() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  volumes: [\"a:/data\", \"_x:/x\"]\n"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("6:13", "6:24");
        assertThat(problems.get(0).message()).isEqualTo("service.volumes[0]: \"a:/data\": the source \"a\" is neither"
                + " a volume name nor an absolute path");
        assertThat(problems.get(0).hint()).hasValueSatisfying(hint -> assertThat(hint).contains("at least 2"));
        assertThat(problems.get(1).message()).contains("service.volumes[1]", "\"_x\"", "neither a volume name");
    }

    @Test
    void targetMustBeAnAbsolutePath() throws Exception {
        StateProblem problem = fixture.single(service("  volumes:\n    - data:var/lib/data\n"));

        assertPosition(problem, 7, 7);
        assertThat(problem.message()).isEqualTo(
                "service.volumes[0]: \"data:var/lib/data\": the target \"var/lib/data\" is not an absolute path");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("inside the container"));
    }

    @Test
    void targetMayNotBeTheRoot() throws Exception {
        StateProblem problem = fixture.single(service("  volumes:\n    - data:/\n"));

        assertPosition(problem, 7, 7);
        assertThat(problem.message()).contains("the target \"/\"", "root");
    }

    @Test
    void dotDotSegmentIsRefusedInSourceAndTarget() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  volumes:\n    - /srv/../etc:/etc\n    - data:/a/../b\n"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("7:7", "8:7");
        assertThat(problems.get(0).message()).isEqualTo(
                "service.volumes[0]: \"/srv/../etc:/etc\": the source \"/srv/../etc\" has a \"..\" segment");
        assertThat(problems.get(1).message()).contains("the target \"/a/../b\" has a \"..\" segment");
    }

    @Test
    void pathMustBeWrittenAsDockerCleansIt() throws Exception {
        StateProblem problem = fixture.single(service("  volumes:\n    - /srv//demo/./x/:/data\n"));

        assertPosition(problem, 7, 7);
        assertThat(problem.message()).contains("the source \"/srv//demo/./x/\" is not written plainly");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).startsWith("write /srv/demo/x:"));
    }

    @Test
    void pathWithALineBreakIsRefused() throws Exception {
        StateProblem problem = fixture.single(service("  volumes: [\"/srv/a\\nb:/data\"]\n"));

        assertPosition(problem, 6, 13);
        assertThat(problem.message()).contains("\"/srv/a\\nb\"", "control character");
    }

    @Test
    void modeMustBeRoOrRw() throws Exception {
        StateProblem problem = fixture.single(service("  volumes:\n    - data:/data:z\n"));

        assertPosition(problem, 7, 7);
        assertThat(problem.message()).isEqualTo(
                "service.volumes[0]: \"data:/data:z\": the mode must be ro or rw, not \"z\"");
    }

    @Test
    void volumeWithoutSourceIsRefusedAsAnonymous() throws Exception {
        StateProblem problem = fixture.single(service("  volumes:\n    - /var/lib/data\n"));

        assertPosition(problem, 7, 7);
        assertThat(problem.message()).contains("names no source", "anonymous volumes are not supported");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("demo-data:/var/lib/data"));
    }

    @Test
    void volumeOfTooManyPartsIsNotTheForm() throws Exception {
        StateProblem problem = fixture.single(service("  volumes:\n    - data:/data:ro:extra\n"));

        assertPosition(problem, 7, 7);
        assertThat(problem.message()).contains("is not source:target[:ro|:rw]");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("demo-data:/var/lib/demo"));
    }

    @Test
    void targetMountedTwiceNamesTheFirst() throws Exception {
        StateProblem problem = fixture.single(service("  volumes:\n    - data:/data\n    - /srv/data:/data:ro\n"));

        assertPosition(problem, 8, 7);
        assertThat(problem.message()).isEqualTo(
                "service.volumes[1]: /data is already mounted by service.volumes[0] (line 7)");
        assertThat(problem.hint()).contains("a container path can be mounted once; remove one of them");
    }

    // --- networks

    @Test
    void hostAndNoneNetworkingAreRefused() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  networks: [backend, host, none]\n"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("6:23", "6:29");
        assertThat(problems.get(0).message()).isEqualTo("service.networks[1]: \"host\" networking is not supported");
        assertThat(problems.get(0).hint()).hasValueSatisfying(hint -> assertThat(hint)
                .contains("fleet publishes ports and joins user networks", "Docker's default bridge"));
        assertThat(problems.get(1).message()).isEqualTo("service.networks[2]: \"none\" networking is not supported");
    }

    @Test
    void networkListedTwiceNamesTheFirst() throws Exception {
        StateProblem problem = fixture.single(service("  networks:\n    - backend\n    - backend\n"));

        assertPosition(problem, 8, 7);
        assertThat(problem.message())
                .isEqualTo("service.networks[1]: \"backend\" is already listed by service.networks[0] (line 7)");
    }

    @Test
    void networkNameMustFollowDockersRule() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  networks: [\"-x\", \"a b\", " + "n".repeat(129) + "]\n"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("6:14", "6:20", "6:27");
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("is not a valid network name"));
        assertThat(problems.get(0).hint()).hasValueSatisfying(hint -> assertThat(hint).contains("at most 128"));
    }

    @Test
    void longestNetworkNameIsAccepted() throws Exception {
        assertThat(load(service("  networks: [" + "n".repeat(128) + "]\n")).service().container().networks())
                .containsExactly("n".repeat(128));
    }

    // --- user and working-dir

    @Test
    void userMustBeANameOrUidWithAnOptionalGroup() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  user: \"-u root\"\n  working-dir: app\n"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("6:9", "7:16");
        assertThat(problems.get(0).message()).isEqualTo("service.user: \"-u root\" is not a valid user");
        assertThat(problems.get(0).hint()).hasValueSatisfying(hint -> assertThat(hint).contains("1000:1000"));
        assertThat(problems.get(1).message()).isEqualTo("service.working-dir: \"app\" is not an absolute path");
        assertThat(problems.get(1).hint()).hasValueSatisfying(hint -> assertThat(hint).contains("starting with '/'"));
    }

    @Test
    void workingDirFollowsThePathRules() throws Exception {
        StateProblem problem = fixture.single(service("  working-dir: /app/../srv\n"));

        assertPosition(problem, 6, 16);
        assertThat(problem.message()).isEqualTo("service.working-dir: \"/app/../srv\" has a \"..\" segment");
    }

    // --- log

    @Test
    void logNeedsItsDriver() throws Exception {
        StateProblem problem = fixture.single(service("  log:\n    options: { max-size: 10m }\n"));

        assertPosition(problem, 7, 5);
        assertThat(problem.message()).isEqualTo("service.log: required key 'driver' is missing");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("json-file"));
    }

    @Test
    void aLogDriverPluginIsRefusedWithDockersOwnDriversAsTheHint() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  log:\n    driver: loki\n"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("7:13");
        assertThat(problems.get(0).message()).isEqualTo("service.log.driver: \"loki\" is not a log driver fleet can set");
        assertThat(problems.get(0).hint()).hasValueSatisfying(hint -> assertThat(hint).contains("json-file, local, journald"));
    }

    @Test
    void logDriverAndOptionNamesFollowTheirPattern() throws Exception {
        List<StateProblem> problems =
                fixture.problems(service("  log:\n    driver: JSON\n    options:\n      Max-Size: 10m\n"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("7:13", "9:7");
        assertThat(problems.get(0).message()).isEqualTo("service.log.driver: \"JSON\" is not a log driver fleet can set");
        assertThat(problems.get(1).message()).isEqualTo("service.log.options.Max-Size: is not a valid log option name");
    }

    @Test
    void logAsTextSuggestsTheMapping() throws Exception {
        StateProblem problem = fixture.single(service("  log: journald\n"));

        assertPosition(problem, 6, 8);
        assertThat(problem.message()).isEqualTo("service.log: expected a mapping, found text");
        assertThat(problem.hint()).contains("name the driver as a key: log: { driver: journald }");
    }

    @Test
    void logKeyTypoGetsDidYouMean() throws Exception {
        StateProblem problem = fixture.single(service("  log:\n    driver: local\n    option: {}\n"));

        assertPosition(problem, 8, 5);
        assertThat(problem.message()).isEqualTo("service.log.option: unknown key; did you mean 'options'?");
    }

    @Test
    void logOptionValueMustBeText() throws Exception {
        StateProblem problem = fixture.single(service("  log:\n    driver: local\n    options:\n      max-size: [1]\n"));

        assertPosition(problem, 9, 17);
        assertThat(problem.message()).isEqualTo("service.log.options.max-size: expected text, found a list");
    }

    // --- limits

    @ParameterizedTest(name = "memory {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "5m         | \"5m\" is less than 6m, the least Docker accepts",
        "6291455    | \"6291455\" is less than 6m, the least Docker accepts (a number alone is bytes)",
        "0          | \"0\" is less than 6m",
        "512 MB     | \"512 MB\" is not an amount of memory",
        "512mb      | \"512mb\" is not an amount of memory",
        "1.5g       | \"1.5g\" is not an amount of memory",
        "-1g        | \"-1g\" is not an amount of memory",
        "0512m      | \"0512m\" is not an amount of memory",
        "99999999999999g | \"99999999999999g\" is more memory than any droplet has",
    })
    void memoryOutsideTheRulesIsRefused(String written, String message) throws Exception {
        StateProblem problem = fixture.single(service("  limits:\n    memory: " + written + "\n"));

        assertPosition(problem, 7, 13);
        assertThat(problem.message()).startsWith("service.limits.memory: " + message);
    }

    @Test
    void memoryFormHintSaysTheUnits() throws Exception {
        StateProblem problem = fixture.single(service("  limits:\n    memory: 512 MB\n"));

        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("b, k, m or g", "512m"));
    }

    @ParameterizedTest(name = "cpus {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "0       | \"0\" CPUs would leave the container none",
        "0.000   | \"0.000\" CPUs would leave the container none",
        "0.0001  | \"0.0001\" has more than 3 decimals",
        "1.2345  | \"1.2345\" has more than 3 decimals",
        "0.005   | \"0.005\" is less than 0.01",
        "1024.5  | \"1024.5\" is more than 1024 CPUs",
        "1,5     | \"1,5\" is not a number of CPUs",
        "-1      | \"-1\" is not a number of CPUs",
        ".5      | \".5\" is not a number of CPUs",
        "1e3     | \"1e3\" is not a number of CPUs",
    })
    void cpusOutsideTheRulesAreRefused(String written, String message) throws Exception {
        StateProblem problem = fixture.single(service("  limits:\n    cpus: " + written + "\n"));

        assertPosition(problem, 7, 11);
        assertThat(problem.message()).startsWith("service.limits.cpus: " + message);
    }

    @Test
    void pidsMustBeInRange() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  limits:\n    pids: 0\n")
                .replace("  ports:", "  init: yes\n  ports:"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("5:9", "8:11");
        assertThat(problems.get(0).message()).isEqualTo("service.init: expected true or false, found \"yes\"");
        assertThat(problems.get(1).message())
                .isEqualTo("service.limits.pids: 0 is out of range: expected 1 to 4194304");
        assertThat(fixture.single(service("  limits: { pids: 4194305 }\n")).message()).contains("out of range");
    }

    @Test
    void limitsKeyTypoGetsDidYouMean() throws Exception {
        StateProblem problem = fixture.single(service("  limits:\n    cpu: 1\n"));

        assertPosition(problem, 7, 5);
        assertThat(problem.message()).isEqualTo("service.limits.cpu: unknown key; did you mean 'cpus'?");
    }

    // --- stop-signal and stop-grace

    @Test
    void stopSignalMustBeOneOfTheList() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  stop-signal: SIGSTOP\n"));
        StateProblem numeric = fixture.single(service("  stop-signal: 15\n"));

        assertPosition(problems.get(0), 6, 16);
        assertThat(problems.get(0).message()).isEqualTo(
                "service.stop-signal: \"SIGSTOP\" is not a signal fleet can stop a container with");
        assertThat(problems.get(0).hint()).hasValueSatisfying(hint -> assertThat(hint).isEqualTo("one of: SIGTERM,"
                + " SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGKILL (SIG may be left out)"));
        assertThat(numeric.message()).contains("\"15\" is not a signal");
    }

    @Test
    void stopGraceMustBeLessThanTheCommandTimeout() throws Exception {
        StateProblem problem = fixture.single(service("  stop-grace: 30s\n"));

        assertPosition(problem, 6, 15);
        assertThat(problem.message()).isEqualTo("service.stop-grace: \"30s\" is not less than ssh.command-timeout"
                + " (30s): the stop call waits out the grace and must return within the command timeout");
        assertThat(problem.hint()).contains("raise ssh.command-timeout above it, or lower stop-grace");
    }

    @Test
    void stopGraceIsCheckedAgainstTheWrittenCommandTimeout() throws Exception {
        String yaml = service("  stop-grace: 1m\n").replace("  known-hosts: known_hosts\n",
                "  known-hosts: known_hosts\n  command-timeout: 45s\n");

        StateProblem problem = fixture.single(yaml);

        assertPosition(problem, 6, 15);
        assertThat(problem.message()).contains("\"1m\" is not less than ssh.command-timeout (45s)");
    }

    @Test
    void stopGraceIsNotCheckedAgainstACommandTimeoutThatCouldNotBeRead() throws Exception {
        String yaml = service("  stop-grace: 1m\n").replace("  known-hosts: known_hosts\n",
                "  known-hosts: known_hosts\n  command-timeout: 45\n");

        StateProblem problem = fixture.single(yaml);

        assertThat(problem.message()).isEqualTo("ssh.command-timeout: \"45\" has no unit");
    }

    @Test
    void stopGraceIsWholeSecondsAndADuration() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  stop-grace: 1500ms\n"));
        StateProblem unitless = fixture.single(service("  stop-grace: 10\n"));

        assertPosition(problems.get(0), 6, 15);
        assertThat(problems.get(0).message())
                .isEqualTo("service.stop-grace: \"1500ms\" is not whole seconds, as Docker counts a stop timeout");
        assertPosition(unitless, 6, 15);
        assertThat(unitless.message()).isEqualTo("service.stop-grace: \"10\" has no unit");
    }

    // --- extra-hosts

    @Test
    void extraHostMustBeNameColonAddress() throws Exception {
        List<StateProblem> problems = fixture.problems(service("""
                  extra-hosts:
                    - db.internal
                    - db_internal:10.0.0.5
                    - "db:300.1.1.1"
                    - "db:[2001:db8::1]"
                    - "db:1::2::3"
                    - "-db:10.0.0.5"
                    - "db:10.0.0.5"
                    - "db:10.0.0.5"
                """));

        assertThat(problems).extracting(ContainerKeysTest::position)
                .containsExactly("7:7", "8:7", "9:7", "10:7", "11:7", "12:7", "14:7");
        assertThat(problems.get(0).message()).isEqualTo("service.extra-hosts[0]: \"db.internal\" is not name:address");
        assertThat(problems.get(0).hint())
                .hasValueSatisfying(hint -> assertThat(hint).contains("db.internal:10.0.0.5"));
        assertThat(problems.get(1).message()).isEqualTo(
                "service.extra-hosts[1]: \"db_internal:10.0.0.5\": \"db_internal\" is not a host name");
        assertThat(problems.get(2).message()).isEqualTo(
                "service.extra-hosts[2]: \"db:300.1.1.1\": \"300.1.1.1\" is not an IP address");
        assertThat(problems.get(3).message()).contains("\"[2001:db8::1]\" is not an IP address");
        assertThat(problems.get(3).hint()).hasValueSatisfying(hint -> assertThat(hint).contains("without brackets"));
        assertThat(problems.get(4).message()).contains("\"1::2::3\" is not an IP address");
        assertThat(problems.get(5).message()).contains("\"-db\" is not a host name");
        assertThat(problems.get(6).message()).isEqualTo(
                "service.extra-hosts[7]: \"db:10.0.0.5\" is already listed by service.extra-hosts[6] (line 13)");
    }

    // --- every problem at once, and typos

    @Test
    void everyProblemIsReportedAtOnce() throws Exception {
        List<StateProblem> problems = fixture.problems(service("""
                  command: run
                  volumes: ["./x:/x"]
                  networks: [host]
                  user: "a b"
                  working-dir: rel
                  log: {}
                  limits: { memory: 1m, cpus: 0, pids: 0 }
                  stop-signal: STOP
                  stop-grace: 31s
                  extra-hosts: [nope]
                  init: maybe
                """));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly(
                "6:12", "7:13", "8:14", "9:9", "10:16", "11:8", "12:21", "12:31", "12:40", "13:16", "14:15",
                "15:17", "16:9");
    }

    @Test
    void spellingVariantsOfTheNewKeysGetDidYouMean() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  working_dir: /app\n  stopGrace: 5s\n  extra_hosts: []\n"));

        assertThat(problems).extracting(StateProblem::message).containsExactly(
                "service.working_dir: unknown key; did you mean 'working-dir'?",
                "service.stopGrace: unknown key; did you mean 'stop-grace'?",
                "service.extra_hosts: unknown key; did you mean 'extra-hosts'?");
    }

    @Test
    void composeStyleKeysPointAtFleetsOwn() throws Exception {
        List<StateProblem> problems = fixture.problems(service("  logging: {}\n  mem_limit: 1g\n"));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("6:3", "7:3");
        assertThat(problems.get(0).hint()).hasValueSatisfying(hint -> assertThat(hint).contains("service.log"));
        assertThat(problems.get(1).hint()).hasValueSatisfying(hint -> assertThat(hint).contains("service.limits"));
    }

    // --- each droplet's environment

    @Test
    void dropletEnvironmentIsReadLikeTheServices() throws Exception {
        DesiredState state = load(minimal().replace("    host: 10.0.0.2\n", """
                    host: 10.0.0.2
                    environment:
                      REGION: ams3
                      SHARD: 2
                      TOKEN: { secret-from-env: FLEET_SECRET_API_TOKEN }
                      KEY: { secret-from-file: secrets/session-key }
                """));

        assertThat(state.droplets().get(0).environment()).isEmpty();
        assertThat(state.droplets().get(1).environment()).containsExactly(
                Map.entry("REGION", new EnvValue.Plain("ams3")),
                Map.entry("SHARD", new EnvValue.Plain("2")),
                Map.entry("TOKEN", new EnvValue.SecretValue(new Secret(StateFixture.API_TOKEN), "env FLEET_SECRET_API_TOKEN")),
                Map.entry("KEY", new EnvValue.SecretValue(new Secret(StateFixture.SESSION_KEY),
                        "file " + dir.resolve("secrets/session-key"))));
        assertThat(state.container(state.droplets().get(1)).environment()).containsKeys("REGION", "TOKEN");
    }

    @Test
    void dropletEnvironmentProblemsAreReportedWithTheDropletsPath() throws Exception {
        List<StateProblem> problems = fixture.problems(minimal().replace("    host: 10.0.0.2\n", """
                    host: 10.0.0.2
                    environment:
                      1REGION: ams3
                      TOKEN: { secret-from-env: FLEET_SECRET_UNSET_VARIABLE }
                      EMPTY:
                """));

        assertThat(problems).extracting(ContainerKeysTest::position).containsExactly("12:7", "13:33", "14:13");
        assertThat(problems.get(0).message()).isEqualTo(
                "droplets[1].environment.1REGION: is not a valid environment variable name");
        assertThat(problems.get(0).hint()).contains("use letters, digits and _, not starting with a digit");
        assertThat(problems.get(1).message()).isEqualTo(
                "droplets[1].environment.TOKEN.secret-from-env: FLEET_SECRET_UNSET_VARIABLE is not set in fleet's"
                        + " environment");
        assertThat(problems.get(2).message()).isEqualTo("droplets[1].environment.EMPTY: has no value");
    }

    @Test
    void dropletEnvironmentMustBeAMapping() throws Exception {
        StateProblem problem = fixture.single(minimal().replace("    host: 10.0.0.2\n",
                "    host: 10.0.0.2\n    environment: [REGION=ams3]\n"));

        assertPosition(problem, 11, 18);
        assertThat(problem.message()).isEqualTo("droplets[1].environment: expected a mapping, found a list");
    }

    // --- helpers

    private DesiredState load(String yaml) throws InvalidStateException {
        return fixture.loader().load(fixture.write("fleet.yaml", yaml));
    }

    private static void assertPosition(StateProblem problem, int line, int column) {
        assertThat(position(problem)).as(problem.render()).isEqualTo(line + ":" + column);
    }

    private static String position(StateProblem problem) {
        return problem.line() + ":" + problem.column();
    }

    /** minimal.yaml with {@code lines} added to service after its ports (from line 6). */
    private static String service(String lines) throws IOException {
        return minimal().replace("  ports: [\"80:80\"]\n", "  ports: [\"80:80\"]\n" + lines);
    }

    private static String minimal() throws IOException {
        return Files.readString(StateFixture.resource("valid/minimal.yaml"));
    }
}
