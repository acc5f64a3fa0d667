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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The GitHub workflows are code no build compiles: a typo in one surfaces only on GitHub, often
 * only on the push that needed it (a deploy). This test reads them as YAML with the shape of a
 * workflow, and checks that each does the job it is there for.
 */
class WorkflowsTest {

    private static Path workflowsDir;
    /** File name to parsed workflow, in name order. */
    private static Map<String, Map<String, Object>> workflows;

    @BeforeAll
    static void load() throws IOException {
        workflowsDir = repositoryRoot().resolve(".github").resolve("workflows");
        workflows = new TreeMap<>();
        try (Stream<Path> files = Files.list(workflowsDir)) {
            for (Path file : files.filter(WorkflowsTest::isYaml).sorted().toList()) {
                workflows.put(file.getFileName().toString(), parse(file));
            }
        }
    }

    @Test
    void theFourWorkflowsExist() {
        assertThat(workflows).containsKeys("ci.yml", "native.yml", "deploy.yml", "image.yml");
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
        Map<String, Object> ci = workflow("ci.yml");
        assertThat(runs(ci)).anySatisfy(run -> assertThat(run).contains("./mvnw").contains("verify"));
        assertThat(on(ci)).isInstanceOf(Map.class);
        List<Object> triggers = new ArrayList<>(((Map<?, ?>) on(ci)).keySet());
        assertThat(triggers).contains("push", "pull_request");
    }

    @Test
    void ciInstallsThePackagesOfCiRunFromTheSameListAndStopsTheSameServices() throws IOException {
        // One list, .ci/packages, for .ci/run and the workflow: a package a new test needs reaches both.
        Path root = repositoryRoot();
        List<String> shared = packages(root.resolve(".ci").resolve("packages"));
        assertThat(shared).contains("haproxy", "docker-registry", "debootstrap", "debian-archive-keyring", "chromium",
                "pdns-server", "pdns-backend-sqlite3", "bind9-dnsutils", "sqlite3", "python3");
        String ciRun = Files.readString(root.resolve(".ci").resolve("run"));
        assertThat(ciRun).contains(".ci/packages").doesNotContain("packages=(");

        String step = runs(workflow("ci.yml")).stream().filter(run -> run.contains("apt-get install")).findFirst()
                .orElseThrow(() -> new AssertionError("ci.yml: no step runs apt-get install"));
        Matcher read = Pattern.compile("awk '[^']*' \\.ci/packages").matcher(ciRun);
        assertThat(read.find()).as(".ci/run reads .ci/packages with awk").isTrue();
        assertThat(step).as("ci.yml reads .ci/packages as .ci/run does").contains(read.group());
        assertThat(step.lines().filter(line -> line.contains("apt-get install")))
                .as("ci.yml installs the list it read, naming no package by hand")
                .singleElement().asString().matches(".*apt-get install( -[-\\w]+)* \"\\$\\{packages\\[@]}\"");
        Matcher leftOut = Pattern.compile("grep -vxE '([^']*)'").matcher(step);
        assertThat(leftOut.find()).as("ci.yml: the packages it leaves out, by grep -vxE").isTrue();
        assertThat(leftOut.group(1).replace("\\.", ".").split("\\|"))
                .as("ci.yml leaves out only what the runner has its own of, each a package of the list")
                .containsExactlyInAnyOrder("docker.io", "maven", "chromium").allMatch(shared::contains);

        assertThat(stoppedServices(step)).as("services ci.yml stops, against those .ci/run stops")
                .containsExactlyInAnyOrderElementsOf(stoppedServices(ciRun))
                .contains("haproxy", "docker-registry", "pdns");
    }

    @Test
    void nativeBuildsWithTheNativeProfileAndUploadsTheExecutable() {
        Map<String, Object> nativeBuild = workflow("native.yml");
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
    void deployRunsOnStateChangesWithTheSshSecretsAndWritesTheJobSummary() {
        Map<String, Object> deploy = workflow("deploy.yml");
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
        Map<?, ?> concurrency = (Map<?, ?>) workflow("deploy.yml").get("concurrency");
        assertThat(concurrency).isNotNull();
        assertThat(concurrency.get("group")).isEqualTo("fleet-deploy");
        assertThat(concurrency.get("cancel-in-progress")).isEqualTo(Boolean.FALSE);
    }

    @Test
    void imageBuildsWithBuildPushActionAndOpensAStatePullRequest() {
        Map<String, Object> image = workflow("image.yml");
        assertThat(steps(image)).anySatisfy(
                step -> assertThat(String.valueOf(step.get("uses"))).startsWith("docker/build-push-action@"));
        assertThat(steps(image)).anySatisfy(
                step -> assertThat(String.valueOf(step.get("uses"))).startsWith("peter-evans/create-pull-request@"));
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

    private static Map<String, Object> workflow(String file) {
        assertThat(workflows).as("workflows in %s", workflowsDir).containsKey(file);
        return workflows.get(file);
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
            if (job instanceof Map<?, ?> jobMap && jobMap.get("steps") instanceof List<?> list) {
                for (Object step : list) {
                    if (step instanceof Map<?, ?> stepMap) {
                        steps.add(stepMap);
                    }
                }
            }
        }
        return steps;
    }

    private static List<String> runs(Map<?, ?> workflow) {
        return steps(workflow).stream()
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
