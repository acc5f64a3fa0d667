package dev.fleet.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The GitHub workflows are code no build compiles: a typo in one surfaces only on GitHub, often
 * only on the push that needed it (a deploy). This test reads them as YAML with the shape of a
 * workflow, and checks that each does the job it is there for: the repository's own in
 * .github/workflows/ (build, test, release fleet), and the templates users copy into their own
 * repositories from deploy/github/ (which run a released fleet, never build it).
 */
class WorkflowsTest {

    /** The repository's own workflows, which build, test and release fleet. */
    private static final List<String> OWN = List.of("ci.yml", "native.yml", "release.yml");
    /** The templates users copy. */
    private static final List<String> TEMPLATES = List.of("deploy.yml", "image.yml", "validate.yml");

    private static Path root;
    /** .github/workflows/ file name to parsed workflow, in name order. */
    private static Map<String, Map<String, Object>> own;
    /** deploy/github/ file name to parsed workflow, in name order. */
    private static Map<String, Map<String, Object>> templates;
    /** deploy/github/ file name to its text. */
    private static Map<String, String> templateTexts;
    /** Every workflow of both folders, by its path from the repository's root. */
    private static Map<String, Map<String, Object>> workflows;

    @BeforeAll
    static void load() throws IOException {
        root = repositoryRoot();
        own = parseAll(root.resolve(".github").resolve("workflows"));
        templates = parseAll(root.resolve("deploy").resolve("github"));
        templateTexts = new TreeMap<>();
        for (String file : templates.keySet()) {
            templateTexts.put(file, Files.readString(root.resolve("deploy").resolve("github").resolve(file)));
        }
        workflows = new TreeMap<>();
        own.forEach((file, workflow) -> workflows.put(".github/workflows/" + file, workflow));
        templates.forEach((file, workflow) -> workflows.put("deploy/github/" + file, workflow));
    }

    @Test
    void theRepositoryBuildsTestsAndReleasesFleetAndTheTemplatesAreInDeployGithub() {
        // A user's template left in .github/workflows would run here, against no fleet-state/.
        assertThat(own.keySet()).as(".github/workflows/").containsExactlyInAnyOrderElementsOf(OWN);
        assertThat(templates.keySet()).as("deploy/github/").containsExactlyInAnyOrderElementsOf(TEMPLATES);
    }

    @Test
    void everyWorkflowIsValidYamlWithJobsAndSteps() {
        assertThat(workflows).isNotEmpty();
        workflows.forEach((file, workflow) -> {
            assertThat(workflow.get("name")).as("%s: name", file).isInstanceOf(String.class);
            assertThat((String) workflow.get("name")).as("%s: name", file).isNotBlank();
            assertThat(on(workflow)).as("%s: on", file).isNotNull();
            assertThat(jobs(workflow)).as("%s: jobs", file).isNotEmpty();
            jobs(workflow).forEach((jobName, job) -> {
                String where = file + ": jobs." + jobName;
                assertThat(job).as(where).isInstanceOf(Map.class);
                Map<?, ?> jobMap = (Map<?, ?>) job;
                assertThat(jobMap.get("runs-on")).as("%s.runs-on", where).isNotNull();
                assertThat(jobMap.get("steps")).as("%s.steps", where).isInstanceOf(List.class);
                List<?> steps = (List<?>) jobMap.get("steps");
                assertThat(steps).as("%s.steps", where).isNotEmpty();
                for (int i = 0; i < steps.size(); i++) {
                    assertThat(steps.get(i)).as("%s.steps[%d]", where, i).isInstanceOf(Map.class);
                    Map<?, ?> step = (Map<?, ?>) steps.get(i);
                    assertThat(step.containsKey("uses") || step.containsKey("run"))
                            .as("%s.steps[%d] has uses or run: %s", where, i, step).isTrue();
                }
            });
        });
    }

    @Test
    void everyActionIsPinnedToAVersion() {
        // An action without @ref would run whatever its default branch holds at that moment.
        workflows.forEach((file, workflow) -> steps(workflow).stream()
                .map(step -> step.get("uses"))
                .filter(uses -> uses != null)
                .forEach(uses -> assertThat(uses.toString()).as("%s: uses", file).matches("[\\w.-]+/[\\w./-]+@\\S+")));
    }

    @Test
    void ciRunsTheMavenVerifyBuild() {
        Map<String, Object> ci = ownWorkflow("ci.yml");
        assertThat(runs(ci)).anySatisfy(run -> assertThat(run).contains("./mvnw").contains("verify"));
        assertThat(on(ci)).isInstanceOf(Map.class);
        List<Object> triggers = new ArrayList<>(((Map<?, ?>) on(ci)).keySet());
        assertThat(triggers).contains("push", "pull_request");
    }

    @Test
    void ciInstallsThePackagesOfCiRunFromTheSameListAndStopsTheSameServices() throws IOException {
        // One list, .ci/packages, for .ci/run (through deploy/lab/setup --tests) and the workflow: a
        // package a new test needs reaches both.
        List<String> shared = packages(root.resolve(".ci").resolve("packages"));
        // HAProxy and the registry run in the lab's own containers, built from its debootstrap Debian.
        assertThat(shared).doesNotContain("haproxy", "docker-registry");
        assertThat(shared).contains("socat", "debootstrap", "debian-archive-keyring", "chromium",
                "pdns-server", "pdns-backend-sqlite3", "bind9-dnsutils", "sqlite3", "python3");
        String ciRun = Files.readString(root.resolve(".ci").resolve("run"));
        assertThat(ciRun).contains("deploy/lab/setup --tests").doesNotContain("packages=(");
        String setup = Files.readString(root.resolve("deploy").resolve("lab").resolve("setup"));
        assertThat(setup).contains(".ci/packages").doesNotContain("packages=(");

        String step = runs(ownWorkflow("ci.yml")).stream().filter(run -> run.contains("apt-get install")).findFirst()
                .orElseThrow(() -> new AssertionError("ci.yml: no step runs apt-get install"));
        Matcher setupRead = Pattern.compile("awk (?:-v \\S+ )*'([^']*)' \"\\$REPO_ROOT/\\.ci/packages\"").matcher(setup);
        assertThat(setupRead.find()).as("deploy/lab/setup reads .ci/packages with awk").isTrue();
        // With --tests every line goes through the same action (the lab's scope stops at '# @tests-only').
        String eachLine = setupRead.group(1).lines().map(String::strip).filter(line -> line.startsWith("{"))
                .collect(Collectors.joining());
        assertThat(eachLine).as("deploy/lab/setup's awk action on each line").startsWith("{ sub(/#.*/, \"\");");
        Matcher read = Pattern.compile("awk '([^']*)' \\.ci/packages").matcher(step);
        assertThat(read.find()).as("ci.yml reads .ci/packages with awk").isTrue();
        assertThat(read.group(1).strip()).as("ci.yml reads .ci/packages as deploy/lab/setup --tests does")
                .isEqualTo(eachLine);
        assertThat(step.lines().filter(line -> line.contains("apt-get install")))
                .as("ci.yml installs the list it read, naming no package by hand")
                .singleElement().asString().matches(".*apt-get install( -[-\\w]+)* \"\\$\\{packages\\[@]}\"");
        Matcher leftOut = Pattern.compile("grep -vxE '([^']*)'").matcher(step);
        assertThat(leftOut.find()).as("ci.yml: the packages it leaves out, by grep -vxE").isTrue();
        assertThat(leftOut.group(1).replace("\\.", ".").split("\\|"))
                .as("ci.yml leaves out only what the runner has its own of, each a package of the list")
                .containsExactlyInAnyOrder("docker.io", "maven", "chromium").allMatch(shared::contains);

        assertThat(stoppedServices(step)).as("services ci.yml stops, against those deploy/lab/setup stops")
                .containsExactlyInAnyOrderElementsOf(stoppedServices(setup))
                .contains("pdns");
    }

    @Test
    void nativeBuildsWithTheNativeProfileAndUploadsTheExecutable() {
        Map<String, Object> nativeBuild = ownWorkflow("native.yml");
        assertThat(runs(nativeBuild)).anySatisfy(run -> assertThat(run).contains("./mvnw").contains("-Pnative"));
        assertThat(runs(nativeBuild)).anySatisfy(run -> assertThat(run).contains("target/fleet --version"));
        assertThat(steps(nativeBuild)).anySatisfy(step -> {
            assertThat(String.valueOf(step.get("uses"))).startsWith("actions/upload-artifact@");
            assertThat(((Map<?, ?>) step.get("with")).get("name")).isEqualTo("fleet-linux-amd64");
        });
        assertThat(steps(nativeBuild)).anySatisfy(step -> {
            assertThat(String.valueOf(step.get("uses"))).startsWith("graalvm/setup-graalvm@");
            assertThat(String.valueOf(((Map<?, ?>) step.get("with")).get("java-version"))).isEqualTo("25");
        });
    }

    @Test
    void nativeLeavesReleaseTagsToTheReleaseWorkflow() {
        // Both on v* tags would build the same executable twice, and only release.yml publishes it.
        Map<?, ?> push = (Map<?, ?>) ((Map<?, ?>) on(ownWorkflow("native.yml"))).get("push");
        assertThat(push).as("native.yml: on.push").isNotNull();
        assertThat(push.get("tags")).as("native.yml: on.push.tags").isNull();
        assertThat(push.get("branches")).as("native.yml: on.push.branches").isEqualTo(List.of("main"));
    }

    @Test
    void releaseRunsOnVersionTags() {
        Map<?, ?> triggers = (Map<?, ?>) on(ownWorkflow("release.yml"));
        Map<?, ?> push = (Map<?, ?>) triggers.get("push");
        assertThat(push).as("release.yml: on.push").isNotNull();
        assertThat(push.get("tags")).as("release.yml: on.push.tags").isEqualTo(List.of("v*"));
        assertThat(push.get("branches")).as("release.yml: on.push.branches").isNull();
    }

    @Test
    void releaseBuildsNativeExecutablesForAmd64AndArm64() {
        Map<String, Object> release = ownWorkflow("release.yml");
        Map<?, ?> nativeJob = job(release, "native");
        Map<?, ?> matrix = (Map<?, ?>) ((Map<?, ?>) nativeJob.get("strategy")).get("matrix");
        Map<Object, Object> runnerOf = new TreeMap<>();
        for (Object entry : (List<?>) matrix.get("include")) {
            runnerOf.put(((Map<?, ?>) entry).get("arch"), ((Map<?, ?>) entry).get("runner"));
        }
        // Each executable is built on a runner of its own architecture: native-image builds for
        // the machine it runs on.
        assertThat(runnerOf).as("release.yml: jobs.native.strategy.matrix.include")
                .containsEntry("amd64", "ubuntu-24.04").containsEntry("arm64", "ubuntu-24.04-arm");
        assertThat(nativeJob.get("runs-on")).isEqualTo("${{ matrix.runner }}");

        List<Map<?, ?>> steps = jobSteps(nativeJob);
        assertThat(steps).anySatisfy(step -> {
            assertThat(String.valueOf(step.get("uses"))).startsWith("graalvm/setup-graalvm@");
            assertThat(String.valueOf(((Map<?, ?>) step.get("with")).get("java-version"))).isEqualTo("25");
        });
        assertThat(runsOf(steps)).anySatisfy(run -> assertThat(run).contains("./mvnw -B package -Pnative -DskipTests"));
        assertThat(runsOf(steps)).anySatisfy(run -> assertThat(run).contains("target/fleet --version"));
        assertThat(steps).anySatisfy(step -> {
            assertThat(String.valueOf(step.get("uses"))).startsWith("actions/upload-artifact@");
            assertThat(((Map<?, ?>) step.get("with")).get("name")).isEqualTo("fleet-linux-${{ matrix.arch }}");
        });
    }

    @Test
    void releasePublishesTheExecutablesWithTheirSha256Sums() {
        Map<?, ?> releaseJob = job(ownWorkflow("release.yml"), "release");
        assertThat(String.valueOf(releaseJob.get("needs"))).contains("native").contains("image");
        assertThat(releaseJob.get("permissions")).as("release.yml: jobs.release.permissions")
                .isEqualTo(Map.of("contents", "write"));
        List<String> runs = runsOf(jobSteps(releaseJob));
        assertThat(runs).anySatisfy(run -> assertThat(run)
                .contains("sha256sum fleet-linux-amd64 fleet-linux-arm64 bootstrap.sh > SHA256SUMS"));
        assertThat(runs).anySatisfy(run -> assertThat(run)
                .contains("gh release create")
                .contains("assets=(fleet-linux-amd64 fleet-linux-arm64 bootstrap.sh SHA256SUMS)")
                .contains("\"${assets[@]}\""));
    }

    @Test
    void releasePushesAMultiArchImageOfTheNativeExecutableToGhcr() throws IOException {
        Map<?, ?> imageJob = job(ownWorkflow("release.yml"), "image");
        assertThat(String.valueOf(imageJob.get("needs"))).contains("native");
        assertThat(imageJob.get("permissions")).as("release.yml: jobs.image.permissions")
                .isEqualTo(Map.of("contents", "read", "packages", "write"));
        List<Map<?, ?>> steps = jobSteps(imageJob);
        assertThat(runsOf(steps)).anySatisfy(run -> assertThat(run).contains("image=\"ghcr.io/"));
        assertThat(steps).anySatisfy(step -> {
            assertThat(String.valueOf(step.get("uses"))).startsWith("docker/login-action@");
            assertThat(((Map<?, ?>) step.get("with")).get("registry")).isEqualTo("ghcr.io");
        });
        Map<?, ?> build = steps.stream()
                .filter(step -> String.valueOf(step.get("uses")).startsWith("docker/build-push-action@"))
                .map(step -> (Map<?, ?>) step.get("with")).findFirst()
                .orElseThrow(() -> new AssertionError("release.yml: no docker/build-push-action step"));
        assertThat(build.get("push")).isEqualTo(Boolean.TRUE);
        assertThat(String.valueOf(build.get("platforms")).split(","))
                .containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        assertThat(build.get("file")).isEqualTo("deploy/image/Dockerfile");

        String dockerfile = Files.readString(root.resolve("deploy").resolve("image").resolve("Dockerfile"));
        assertThat(dockerfile).as("deploy/image/Dockerfile")
                .contains("COPY dist/fleet-linux-${TARGETARCH} /usr/local/bin/fleet")
                .contains("ENTRYPOINT [\"fleet\"]")
                .containsPattern("(?m)^FROM (debian:12-slim|gcr\\.io/distroless/base-debian12\\S*)$");
        Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
        assertThat(user.find()).as("deploy/image/Dockerfile names a USER").isTrue();
        assertThat(user.group(1)).as("deploy/image/Dockerfile's USER").doesNotMatch("(root|0)(:.*)?");
    }

    @Test
    void everyTemplateSaysWhereItGoesItsSecretsAndItsPermissionsInItsHeader() {
        templates.forEach((file, workflow) -> {
            String header = header(templateTexts.get(file));
            assertThat(header).as("deploy/github/%s: its header comment", file)
                    .contains(".github/workflows/").containsIgnoringCase("secrets").containsIgnoringCase("permissions");
            // Every secret the workflow reads is named in the header, where whoever copies it reads first.
            List<String> texts = new ArrayList<>();
            collectStrings(workflow, texts);
            Matcher secret = Pattern.compile("secrets\\.(\\w+)").matcher(String.join("\n", texts));
            while (secret.find()) {
                assertThat(header).as("deploy/github/%s: header names the secret %s", file, secret.group(1))
                        .containsPattern("\\b" + secret.group(1) + "\\b");
            }
            // Its permissions are set, at the top, and each scope is named in the header.
            assertThat(workflow.get("permissions")).as("deploy/github/%s: permissions", file).isInstanceOf(Map.class);
            ((Map<?, ?>) workflow.get("permissions")).forEach((scope, level) -> assertThat(header)
                    .as("deploy/github/%s: header names the permission %s: %s", file, scope, level)
                    .contains(scope + ": " + level));
        });
    }

    @Test
    void noTemplateBuildsFleetFromSource() {
        templates.forEach((file, workflow) -> steps(workflow).forEach(step -> {
            assertThat(String.valueOf(step.get("uses"))).as("deploy/github/%s: uses", file)
                    .doesNotStartWith("graalvm/").doesNotStartWith("actions/setup-java@");
            if (step.get("run") instanceof String run) {
                assertThat(run).as("deploy/github/%s: step %s", file, step.get("name"))
                        .doesNotContain("mvnw").doesNotContain("mvn ").doesNotContain("-Pnative")
                        .doesNotContain("native-image").doesNotContain("gradle");
            }
        }));
    }

    @Test
    void everyTemplateRunsAPinnedReleasedFleetCheckedAgainstItsSha256Sums() {
        templates.forEach((file, workflow) -> {
            assertThat(runs(workflow)).as("deploy/github/%s runs fleet", file)
                    .anySatisfy(run -> assertThat(run).containsPattern("(?m)^\\s*fleet [a-z-]+ "));
            Map<?, ?> env = (Map<?, ?>) workflow.get("env");
            assertThat(env).as("deploy/github/%s: env", file).isNotNull();
            assertThat(String.valueOf(env.get("FLEET_VERSION"))).as("deploy/github/%s: env.FLEET_VERSION", file)
                    .matches("v\\d+\\.\\d+\\.\\d+");
            assertThat(env.get("FLEET_REPOSITORY")).as("deploy/github/%s: env.FLEET_REPOSITORY", file).isNotNull();
            // The step that downloads fleet checks what it downloaded before anything runs it.
            String download = runs(workflow).stream().filter(run -> run.contains("/releases/download/")).findFirst()
                    .orElseThrow(() -> new AssertionError("deploy/github/" + file + ": no step downloads a released fleet"));
            assertThat(download).as("deploy/github/%s: the download", file)
                    .contains("https://github.com/$FLEET_REPOSITORY/releases/download/$FLEET_VERSION")
                    .contains("\"$base/SHA256SUMS\"");
            int checked = download.indexOf("sha256sum -c --ignore-missing");
            assertThat(checked).as("deploy/github/%s: the download runs sha256sum -c", file).isNotNegative();
            assertThat(download.indexOf("fleet --version")).as("deploy/github/%s: fleet runs after the check", file)
                    .isGreaterThan(checked);
            assertThat(download.indexOf("GITHUB_PATH")).as("deploy/github/%s: fleet is on PATH after the check", file)
                    .isGreaterThan(checked);
        });
    }

    @Test
    void deployRunsOnStateChangesWithTheSshSecretsAndWritesTheJobSummary() {
        Map<String, Object> deploy = template("deploy.yml");
        Map<?, ?> push = (Map<?, ?>) ((Map<?, ?>) on(deploy)).get("push");
        assertThat(push.get("paths")).isInstanceOf(List.class);
        List<Object> paths = new ArrayList<>((List<?>) push.get("paths"));
        assertThat(paths).contains("fleet-state/**");

        List<String> texts = new ArrayList<>();
        collectStrings(deploy, texts);
        assertThat(texts).anySatisfy(text -> assertThat(text).contains("secrets.FLEET_SSH_KEY"));
        assertThat(texts).anySatisfy(text -> assertThat(text).contains("secrets.FLEET_KNOWN_HOSTS"));

        assertThat(runs(deploy)).anySatisfy(run -> assertThat(run).contains("fleet apply --yes"));
        assertThat(runs(deploy)).anySatisfy(run -> assertThat(run).contains("fleet drift --output markdown"));
        assertThat(runs(deploy)).anySatisfy(run -> assertThat(run).contains("GITHUB_STEP_SUMMARY"));
    }

    @Test
    void deploysNeverOverlapNorCancelEachOther() {
        Map<?, ?> concurrency = (Map<?, ?>) template("deploy.yml").get("concurrency");
        assertThat(concurrency).isNotNull();
        assertThat(concurrency.get("group")).isEqualTo("fleet-deploy");
        assertThat(concurrency.get("cancel-in-progress")).isEqualTo(Boolean.FALSE);
    }

    @Test
    void deployTellsWhatEachExitCodeOfApplyMeans() {
        String verdict = runs(template("deploy.yml")).stream().filter(run -> run.contains("APPLY_CODE")).findFirst()
                .orElseThrow(() -> new AssertionError("deploy.yml: no verdict step"));
        for (String code : List.of("0", "1", "3", "4", "5")) {
            assertThat(verdict).as("deploy.yml: the verdict's case for %s", code).containsPattern("(?m)^\\s*" + code + "\\) meaning=");
        }
        assertThat(verdict).containsPattern("5\\) meaning=\"some droplet could not be reached[^\"]*left as it was");
    }

    @Test
    void imageBuildsWithBuildPushActionAndOpensAStatePullRequest() {
        Map<String, Object> image = template("image.yml");
        assertThat(steps(image)).anySatisfy(
                step -> assertThat(String.valueOf(step.get("uses"))).startsWith("docker/build-push-action@"));
        assertThat(steps(image)).anySatisfy(
                step -> assertThat(String.valueOf(step.get("uses"))).startsWith("peter-evans/create-pull-request@"));
        // fleet edits the state (one line, comments kept) and checks it; no sed on the state file.
        assertThat(runs(image)).anySatisfy(run -> assertThat(run)
                .contains("fleet set-image \"$IMAGE\" --state \"$STATE_FILE\"")
                .contains("fleet validate --state \"$STATE_FILE\""));
        assertThat(runs(image)).noneSatisfy(run -> assertThat(run).contains("sed "));
    }

    @Test
    void validateChecksTheStateOnPullRequestsWithoutSecrets() {
        Map<String, Object> validate = template("validate.yml");
        Map<?, ?> pullRequest = (Map<?, ?>) ((Map<?, ?>) on(validate)).get("pull_request");
        assertThat(pullRequest).as("validate.yml: on.pull_request").isNotNull();
        assertThat(pullRequest.get("paths")).isEqualTo(List.of("fleet-state/**"));
        assertThat(runs(validate)).anySatisfy(run -> assertThat(run).contains("fleet validate --state"));
        assertThat(templateTexts.get("validate.yml")).doesNotContain("secrets.");
        assertThat(validate.get("permissions")).isEqualTo(Map.of("contents", "read"));
    }

    @Test
    void everyShellStepThatUsesSecretsStopsOnErrors() {
        // A step that handles a secret and carries on after a failed command could act on half a
        // key file or an empty variable.
        workflows.forEach((file, workflow) -> steps(workflow).forEach(step -> {
            List<String> texts = new ArrayList<>();
            collectStrings(step.get("env"), texts);
            boolean secret = texts.stream().anyMatch(text -> text.contains("secrets."));
            if (secret && step.get("run") instanceof String run) {
                assertThat(run).as("%s: step %s", file, step.get("name")).contains("set -euo pipefail");
            }
        }));
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static Map<String, Map<String, Object>> parseAll(Path dir) throws IOException {
        Map<String, Map<String, Object>> parsed = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(WorkflowsTest::isYaml).sorted().toList()) {
                parsed.put(file.getFileName().toString(), parse(file));
            }
        }
        return parsed;
    }

    /** The comment lines a file starts with, without their '#'. */
    private static String header(String text) {
        StringBuilder header = new StringBuilder();
        for (String line : text.lines().toList()) {
            if (!line.startsWith("#")) {
                break;
            }
            header.append(line.substring(1)).append('\n');
        }
        return header.toString();
    }

    /** Maven runs tests in the project folder; an IDE may start them in a sub-folder. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".github").resolve("workflows"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no .github/workflows in " + Path.of("").toAbsolutePath() + " or any folder above it");
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yml") || name.endsWith(".yaml"));
    }

    /** The packages of a list like .ci/packages: whitespace apart, '#' starting a comment, as .ci/run reads it. */
    private static List<String> packages(Path list) throws IOException {
        return Files.readAllLines(list).stream().map(line -> line.replaceAll("#.*", "").strip())
                .filter(line -> !line.isEmpty()).flatMap(line -> Stream.of(line.split("\\s+"))).toList();
    }

    /** The services a script stops, from its {@code for service in ...; do} loop. */
    private static List<String> stoppedServices(String script) {
        Matcher loop = Pattern.compile("for service in ([^;]+); do").matcher(script);
        assertThat(loop.find()).as("a loop over the services to stop in:%n%s", script).isTrue();
        return List.of(loop.group(1).strip().split("\\s+"));
    }

    /** Plain data only: SafeConstructor builds maps, lists and scalars, never an object a tag names. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object document = yaml.load(reader);
            assertThat(document).as("%s is a mapping", file.getFileName()).isInstanceOf(Map.class);
            return (Map<String, Object>) document;
        }
    }

    private static Map<String, Object> ownWorkflow(String file) {
        assertThat(own).as("workflows in .github/workflows/").containsKey(file);
        return own.get(file);
    }

    private static Map<String, Object> template(String file) {
        assertThat(templates).as("templates in deploy/github/").containsKey(file);
        return templates.get(file);
    }

    private static Map<?, ?> job(Map<?, ?> workflow, String name) {
        assertThat(jobs(workflow).containsKey(name)).as("jobs.%s exists", name).isTrue();
        assertThat(jobs(workflow).get(name)).as("jobs.%s", name).isInstanceOf(Map.class);
        return (Map<?, ?>) jobs(workflow).get(name);
    }

    /**
     * The triggers. SnakeYAML reads YAML 1.1, where a bare {@code on} is the boolean true; GitHub
     * reads it as the key "on". Either spelling is accepted.
     */
    private static Object on(Map<?, ?> workflow) {
        return workflow.containsKey("on") ? workflow.get("on") : workflow.get(Boolean.TRUE);
    }

    private static Map<?, ?> jobs(Map<?, ?> workflow) {
        Object jobs = workflow.get("jobs");
        assertThat(jobs).as("jobs").isInstanceOf(Map.class);
        return (Map<?, ?>) jobs;
    }

    private static List<Map<?, ?>> steps(Map<?, ?> workflow) {
        List<Map<?, ?>> steps = new ArrayList<>();
        for (Object job : jobs(workflow).values()) {
            if (job instanceof Map<?, ?> jobMap) {
                steps.addAll(jobSteps(jobMap));
            }
        }
        return steps;
    }

    private static List<Map<?, ?>> jobSteps(Map<?, ?> job) {
        List<Map<?, ?>> steps = new ArrayList<>();
        if (job.get("steps") instanceof List<?> list) {
            for (Object step : list) {
                if (step instanceof Map<?, ?> stepMap) {
                    steps.add(stepMap);
                }
            }
        }
        return steps;
    }

    private static List<String> runs(Map<?, ?> workflow) {
        return runsOf(steps(workflow));
    }

    private static List<String> runsOf(List<Map<?, ?>> steps) {
        return steps.stream()
                .map(step -> step.get("run"))
                .filter(run -> run instanceof String)
                .map(String.class::cast)
                .toList();
    }

    /** Every string anywhere under {@code node}, keys included. */
    private static void collectStrings(Object node, List<String> into) {
        if (node instanceof String text) {
            into.add(text);
        } else if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                collectStrings(key, into);
                collectStrings(value, into);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(element -> collectStrings(element, into));
        }
    }
}
