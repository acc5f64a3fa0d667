package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.fleet.desired.DeployHook;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Hooks;
import dev.fleet.desired.Placement;
import dev.fleet.desired.ServiceRole;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.StateProblem;
import dev.fleet.desired.VolumeMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code services:} form of a state file, and droplets' tags, which its {@code on:} selects by. */
class ServicesSectionTest {

    private static final String IMAGE =
            "registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

    /** Two services; line 1 is services:, line 5 the worker, line 9 droplets:, line 15 ssh:. */
    private static final String TWO = """
            services:
              - name: web
                image: %s
                ports: ["80:80"]
              - name: worker
                role: worker
                on: [worker]
                image: %s
            droplets:
              - name: droplet-1
                host: 10.0.0.1
                tags: [worker]
              - name: droplet-2
                host: 10.0.0.2
            ssh:
              user: deploy
              identity-file: id_ed25519
              known-hosts: known_hosts
            balancer:
              kind: haproxy
              socket: haproxy.sock
              backend: droplets
            """.formatted(IMAGE, IMAGE);

    @TempDir
    Path dir;

    private StateFixture fixture;

    @BeforeEach
    void prepare() {
        fixture = new StateFixture(dir);
    }

    @Test
    void theServicesExampleLoadsEachServiceWithItsRoleDropletsAndHooks() throws Exception {
        Path file = fixture.copy(Path.of("fleet-state/example-services.yaml"), "fleet.yaml");
        fixture.write("secrets/db-password", "sentinel-db-password\n");

        DesiredState state = fixture.loader().load(file);

        assertThat(state.services()).extracting(ServiceSpec::name, ServiceSpec::role, ServiceSpec::placement)
                .containsExactly(
                        tuple("web", ServiceRole.TRAFFIC, Placement.EVERYWHERE),
                        tuple("worker", ServiceRole.WORKER, new Placement.On(List.of("worker"))),
                        tuple("db", ServiceRole.ACCESSORY, new Placement.On(List.of("db"))));
        assertThat(state.service().name()).as("the balancer fronts the traffic service").isEqualTo("web");
        assertThat(state.droplets()).extracting(DropletSpec::name, DropletSpec::tags).containsExactly(
                tuple("droplet-1", List.of("worker")),
                tuple("droplet-2", List.of("worker")),
                tuple("droplet-3", List.of("db")));
        assertThat(namesOn(state, "droplet-1")).containsExactly("web", "worker");
        assertThat(namesOn(state, "droplet-2")).containsExactly("web", "worker");
        assertThat(namesOn(state, "droplet-3")).containsExactly("web", "db");
        ServiceSpec web = state.service("web").orElseThrow();
        assertThat(web.hooks()).isEqualTo(new Hooks(
                Optional.of(new DeployHook(List.of("/app/manage", "migrate"), Duration.ofMinutes(10),
                        Optional.empty())),
                Optional.of(new DeployHook(List.of("/app/smoke-test", "--url", "http://127.0.0.1/health"),
                        Duration.ofMinutes(2), Optional.of("droplet-2"))),
                true));
        assertThat(web.minUptime()).isEqualTo(ServiceSpec.DEFAULT_MIN_UPTIME);
        ServiceSpec worker = state.service("worker").orElseThrow();
        assertThat(worker.minUptime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(worker.hooks()).isEqualTo(Hooks.NONE);
        assertThat(worker.container().command()).contains(List.of("/app/worker", "--queue", "default"));
        ServiceSpec db = state.service("db").orElseThrow();
        assertThat(db.container().volumes())
                .containsExactly(new VolumeMount("pg-data", "/var/lib/postgresql/data", false));
        assertThat(db.restart()).isEqualTo("unless-stopped");
        assertThat(state.manyServices()).isTrue();
        assertThat(state.health().port()).isEqualTo(80);
    }

    @Test
    void anItemWithoutTheNewKeysIsATrafficServiceOnEveryDropletWithoutHooks() throws Exception {
        Path file = fixture.write("fleet.yaml", TWO);

        DesiredState state = fixture.loader().load(file);

        ServiceSpec web = state.services().getFirst();
        assertThat(web).isEqualTo(state.service());
        assertThat(web.role()).isEqualTo(ServiceRole.TRAFFIC);
        assertThat(web.placement()).isEqualTo(Placement.EVERYWHERE);
        assertThat(web.hooks()).isEqualTo(Hooks.NONE);
        assertThat(state.services().get(1).minUptime()).isEqualTo(ServiceSpec.DEFAULT_MIN_UPTIME);
        assertThat(namesOn(state, "droplet-2")).containsExactly("web");
    }

    @Test
    void theSingleServiceFormIsStillOneTrafficServiceOnEveryDroplet() throws Exception {
        Path file = fixture.copy(StateFixture.resource("valid/minimal.yaml"), "fleet.yaml");

        DesiredState state = fixture.loader().load(file);

        assertThat(state.services()).containsExactly(state.service());
        assertThat(state.manyServices()).isFalse();
    }

    @Test
    void serviceAndServicesBothAreAProblemAtServices() throws Exception {
        String yaml = "service:\n  name: demo\n  image: " + IMAGE + "\n  ports: [\"80:80\"]\n" + TWO;

        StateProblem problem = fixture.single(yaml);

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("5:1");
        assertThat(problem.message()).isEqualTo("services: service and services are both given");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("role traffic"));
    }

    @Test
    void neitherServiceNorServicesIsAProblemWhoseHintNamesBoth() throws Exception {
        String yaml = TWO.substring(TWO.indexOf("droplets:"));

        StateProblem problem = fixture.single(yaml);

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("1:1");
        assertThat(problem.message()).isEqualTo("required key 'service' is missing");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("services:")
                .contains("fleet-state/example-services.yaml"));
    }

    @Test
    void servicesIsAListNotAMapping() throws Exception {
        String yaml = TWO.replaceFirst("(?s)services:.*?droplets:", "services:\n  name: web\n  image: " + IMAGE
                + "\ndroplets:");

        StateProblem problem = fixture.single(yaml);

        assertThat(problem.message()).startsWith("services: expected a list, found a mapping");
        assertThat(problem.line()).isEqualTo(2);
    }

    @Test
    void anEmptyServicesListIsAProblem() throws Exception {
        StateProblem problem = fixture.single(TWO.replaceFirst("(?s)services:.*?droplets:", "services: []\ndroplets:"));

        assertThat(problem.message()).isEqualTo("services: the list is empty; a fleet runs at least one service");
    }

    @Test
    void anUnknownKeyInAnItemSuggestsTheClosestKnownOne() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("    role: worker", "    rol: worker"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("6:5");
        assertThat(problem.message()).isEqualTo("services[1].rol: unknown key; did you mean 'role'?");
    }

    @Test
    void theKeysOnlyAnItemHasAreUnknownUnderServiceWithAHintToServices() throws Exception {
        Path minimal = StateFixture.resource("valid/minimal.yaml");
        String yaml = Files.readString(minimal).replace("  ports: [\"80:80\"]\n", "  ports: [\"80:80\"]\n  role: worker\n");

        StateProblem problem = fixture.single(yaml);

        assertThat(problem.message()).isEqualTo("service.role: unknown key");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("an item of services:"));
    }

    @Test
    void aRoleIsTrafficWorkerOrAccessory() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("role: worker", "role: cron"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("6:11");
        assertThat(problem.message()).isEqualTo("services[1].role: \"cron\" is not a role");
    }

    @Test
    void noTrafficServiceIsAProblemAtServices() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("  - name: web\n", "  - name: web\n    role: worker\n")
                .replace("ports: [\"80:80\"]", "ports: [\"8080:80\"]") + "health:\n  port: 8080\ndrain:\n  port: 8080\n");

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("2:3");
        assertThat(problem.message()).isEqualTo(
                "services: no service has role traffic: fleet fronts one service with the balancer for now");
    }

    @Test
    void aSecondTrafficServiceIsAProblemAtItsRole() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("role: worker", "role: traffic")
                .replace("    on: [worker]\n", ""));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("6:11");
        assertThat(problem.message()).isEqualTo("services[1].role: a second service with role traffic, after"
                + " services[0] (line 2): fleet fronts one service with the balancer for now");
    }

    @Test
    void aServiceWithoutRoleIsTrafficSoTwoWithoutRoleAreTwoTrafficServices() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("    role: worker\n    on: [worker]\n", ""));

        assertThat(problem.line() + ":" + problem.column()).as("at the item, which has no role to point at")
                .isEqualTo("5:5");
        assertThat(problem.message()).startsWith("services[1]: a second service with role traffic");
    }

    @Test
    void onSelectsDropletsByNameAndByTag() throws Exception {
        Path file = fixture.write("fleet.yaml", TWO.replace("on: [worker]", "on: [droplet-2, worker]"));

        DesiredState state = fixture.loader().load(file);

        assertThat(namesOn(state, "droplet-1")).containsExactly("web", "worker");
        assertThat(namesOn(state, "droplet-2")).containsExactly("web", "worker");
    }

    @Test
    void onAllIsEveryDroplet() throws Exception {
        Path file = fixture.write("fleet.yaml", TWO.replace("on: [worker]", "on: all"));

        assertThat(fixture.loader().load(file).services().get(1).placement()).isEqualTo(Placement.EVERYWHERE);
    }

    @Test
    void aSelectorThatNamesNoDropletNorTagSuggestsTheClosest() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("on: [worker]", "on: [wroker]"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("7:10");
        assertThat(problem.message())
                .isEqualTo("services[1].on[0]: \"wroker\" names no droplet and no droplet's tag; did you mean 'worker'?");
        assertThat(problem.hint()).hasValue("droplets: droplet-1, droplet-2; tags: worker");
    }

    @Test
    void allInAListIsASelectorWithAHintToWriteItAlone() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("on: [worker]", "on: [all]"));

        assertThat(problem.hint()).hasValue("write on: all, not in a list, for every droplet");
    }

    @Test
    void onIsAListOrAll() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("on: [worker]", "on: worker"));

        assertThat(problem.message())
                .isEqualTo("services[1].on: expected a list of droplet names and tags, or all, found \"worker\"");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("on: [worker]"));
    }

    @Test
    void anEmptyOnWouldRunTheServiceNowhere() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("on: [worker]", "on: []"));

        assertThat(problem.message()).isEqualTo("services[1].on: the list is empty: the service would run on no droplet");
    }

    @Test
    void aSelectorListedTwiceIsAProblemAtTheSecond() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("on: [worker]", "on: [worker, worker]"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("7:18");
        assertThat(problem.message()).startsWith("services[1].on[1]: \"worker\" is already listed by services[1].on[0]");
    }

    @Test
    void theTrafficServiceOnSomeDropletsOnlyIsAProblem() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("    ports: [\"80:80\"]\n",
                "    ports: [\"80:80\"]\n    on: [worker]\n"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("5:9");
        assertThat(problem.message()).isEqualTo("services[0].on: leaves out droplet-2: the traffic service runs on every"
                + " droplet, since the balancer sends every droplet traffic");
    }

    @Test
    void theTrafficServiceOnTagsEveryDropletHasIsAccepted() throws Exception {
        Path file = fixture.write("fleet.yaml", TWO.replace("    ports: [\"80:80\"]\n",
                "    ports: [\"80:80\"]\n    on: [worker, droplet-2]\n"));

        assertThat(namesOn(fixture.loader().load(file), "droplet-2")).containsExactly("web");
    }

    @Test
    void minUptimeIsForWorkersAndAccessoriesOnly() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("    ports: [\"80:80\"]\n",
                "    ports: [\"80:80\"]\n    min-uptime: 10s\n"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("5:5");
        assertThat(problem.message()).isEqualTo("services[0].min-uptime: does not apply to the traffic service: its"
                + " health checks tell when it is healthy");
    }

    @Test
    void minUptimeIsADuration() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("    on: [worker]\n", "    on: [worker]\n    min-uptime: 10\n"));

        assertThat(problem.message()).isEqualTo("services[1].min-uptime: \"10\" has no unit");
    }

    @Test
    void everyStopGraceIsLessThanTheCommandTimeout() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("    on: [worker]\n", "    on: [worker]\n    stop-grace: 30s\n"));

        assertThat(problem.message()).startsWith("services[1].stop-grace: \"30s\" is not less than ssh.command-timeout");
    }

    @Test
    void hooksHaveTheirDefaults() throws Exception {
        Path file = fixture.write("fleet.yaml", TWO.replace("    on: [worker]\n", """
                    on: [worker]
                    hooks:
                      pre-deploy:
                        command: [/app/migrate]
                """));

        ServiceSpec worker = fixture.loader().load(file).services().get(1);

        assertThat(worker.hooks()).isEqualTo(new Hooks(Optional.of(new DeployHook(List.of("/app/migrate"),
                DeployHook.DEFAULT_TIMEOUT, Optional.empty())), Optional.empty(), false));
    }

    @Test
    void aHookCommandIsAListOfWordsNotOneString() throws Exception {
        StateProblem problem = fixture.single(withWorkerHooks("""
                  pre-deploy:
                    command: /app/migrate up
                """));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("10:18");
        assertThat(problem.message()).isEqualTo("services[1].hooks.pre-deploy.command: expected a list of words, found"
                + " text");
    }

    @Test
    void aHookNeedsACommand() throws Exception {
        StateProblem problem = fixture.single(withWorkerHooks("""
                  post-deploy:
                    timeout: 1m
                """));

        assertThat(problem.message()).isEqualTo("services[1].hooks.post-deploy: required key 'command' is missing");
    }

    @Test
    void aHookRunsAnHourAtMost() throws Exception {
        StateProblem problem = fixture.single(withWorkerHooks("""
                  pre-deploy:
                    command: [/app/migrate]
                    timeout: 61m
                """));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("11:18");
        assertThat(problem.message())
                .isEqualTo("services[1].hooks.pre-deploy.timeout: is longer than 1h, the longest a deploy hook may run");
    }

    @Test
    void aHooksDropletIsOneTheServiceRunsOn() throws Exception {
        StateProblem problem = fixture.single(withWorkerHooks("""
                  pre-deploy:
                    command: [/app/migrate]
                    droplet: droplet-2
                """));

        assertThat(problem.message()).isEqualTo("services[1].hooks.pre-deploy.droplet: the service does not run on"
                + " droplet-2");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).startsWith(
                "one of the droplets the service runs on: droplet-1;"));
    }

    @Test
    void aHooksDropletThatIsNoDropletSuggestsTheClosest() throws Exception {
        StateProblem problem = fixture.single(withWorkerHooks("""
                  pre-deploy:
                    command: [/app/migrate]
                    droplet: droplet1
                """));

        assertThat(problem.message()).isEqualTo("services[1].hooks.pre-deploy.droplet: \"droplet1\" names no droplet;"
                + " did you mean 'droplet-1'?");
    }

    @Test
    void rollbackOnFailureNeedsAPostDeployHook() throws Exception {
        StateProblem problem = fixture.single(withWorkerHooks("""
                  pre-deploy:
                    command: [/app/migrate]
                  rollback-on-failure: true
                """));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("11:7");
        assertThat(problem.message()).isEqualTo("services[1].hooks.rollback-on-failure: applies only with a"
                + " post-deploy hook: it rolls the fleet back when that hook fails");
    }

    @Test
    void anAccessoryHasNoHooks() throws Exception {
        StateProblem problem = fixture.single(withWorkerHooks("""
                  pre-deploy:
                    command: [/app/migrate]
                """).replace("role: worker", "role: accessory"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("8:5");
        assertThat(problem.message()).startsWith("services[1].hooks: an accessory has no deploy hooks");
    }

    @Test
    void anUnknownHookSuggestsTheClosest() throws Exception {
        StateProblem problem = fixture.single(withWorkerHooks("""
                  pre_deploy:
                    command: [/app/migrate]
                """));

        assertThat(problem.message()).isEqualTo("services[1].hooks.pre_deploy: unknown key; did you mean 'pre-deploy'?");
    }

    @Test
    void aServiceNameIsUniqueAndTheSecondIsTheProblem() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("name: worker", "name: web"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("5:11");
        assertThat(problem.message()).isEqualTo("services[1].name: \"web\" is already the name of services[0] (line 2)");
    }

    @Test
    void twoServicesOnOneDropletCannotPublishOneHostPort() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("    on: [worker]\n",
                "    on: [worker]\n    ports: [\"127.0.0.1:80:8080\"]\n"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("8:13");
        assertThat(problem.message()).isEqualTo("services[1].ports[0]: \"worker\" publishes host port 80/tcp, which"
                + " \"web\" (services[0], line 2) publishes too, on droplet-1");
    }

    @Test
    void servicesOnDifferentDropletsMayPublishOneHostPortAndAnotherProtocolIsAnotherPort() throws Exception {
        String yaml = TWO.replace("    on: [worker]\n", "    on: [worker]\n    ports: [\"80:80/udp\", \"5432:5432\"]\n")
                .replace("droplets:\n", "  - name: db\n    role: accessory\n    on: [droplet-2]\n    image: " + IMAGE
                        + "\n    ports: [\"5432:5432\"]\ndroplets:\n");
        Path file = fixture.write("fleet.yaml", yaml);

        DesiredState state = fixture.loader().load(file);

        assertThat(state.services()).extracting(s -> s.ports().size()).containsExactly(1, 2, 1);
    }

    @Test
    void healthAndDrainLookAtTheTrafficServicesPorts() throws Exception {
        List<StateProblem> problems = fixture.problems(TWO.replace("ports: [\"80:80\"]", "ports: [\"8080:80\"]")
                .replace("    on: [worker]\n", "    on: [worker]\n    ports: [\"80:80\"]\n"));

        assertThat(problems).extracting(StateProblem::message).containsExactly(
                "services[0].ports: publishes no TCP port 80, which health uses by default (TCP ports published:"
                        + " [8080])",
                "services[0].ports: publishes no TCP port 80, which drain uses by default (TCP ports published:"
                        + " [8080])");
    }

    @Test
    void blueGreenRollsOneServiceForNow() throws Exception {
        String yaml = TWO.replace("    ports: [\"80:80\"]\n", "").replace("""
                balancer:
                  kind: haproxy
                  socket: haproxy.sock
                  backend: droplets
                """, "balancer:\n  kind: none\nrollout:\n  strategy: blue-green\nproxy:\n  kind: nginx\n");

        StateProblem problem = fixture.single(yaml);

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("21:13");
        assertThat(problem.message())
                .isEqualTo("rollout.strategy: blue-green rolls one service for now, and services lists 2");
    }

    @Test
    void tagsAreWordsNoneTwice() throws Exception {
        List<StateProblem> problems = fixture.problems(TWO.replace("tags: [worker]", "tags: [worker, \"a b\", worker]"));

        assertThat(problems).extracting(StateProblem::message).containsExactly(
                "droplets[0].tags[1]: \"a b\" is not a valid tag",
                "droplets[0].tags[2]: \"worker\" is already listed by droplets[0].tags[0] (line 12)");
    }

    @Test
    void aTagThatIsADropletsNameIsAmbiguous() throws Exception {
        StateProblem problem = fixture.single(TWO.replace("tags: [worker]", "tags: [worker, droplet-2]"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("12:20");
        assertThat(problem.message()).isEqualTo("droplets[0].tags[1]: \"droplet-2\" is also the name of droplets[1]"
                + " (line 13): a service's on: could not tell the droplet from the tag");
    }

    @Test
    void aDropletsImagePinsTheTrafficServiceOnly() throws Exception {
        String canary = IMAGE.replace("4f53cda1", "0f53cda1");
        Path file = fixture.write("fleet.yaml", TWO.replace("    tags: [worker]\n",
                "    tags: [worker]\n    image: " + canary + "\n"));

        DesiredState state = fixture.loader().load(file);

        DropletSpec droplet = state.droplet("droplet-1");
        assertThat(state.desiredImage(droplet, state.service()).reference()).isEqualTo(canary);
        assertThat(state.desiredImage(droplet, state.services().get(1)).reference()).isEqualTo(IMAGE);
    }

    /** {@link #TWO} with {@code hooks} on the worker, from line 9: hooks: is at 8:5. */
    private static String withWorkerHooks(String hooks) {
        return TWO.replace("    on: [worker]\n", "    on: [worker]\n    hooks:\n" + hooks.indent(4));
    }

    private static List<String> namesOn(DesiredState state, String droplet) {
        return state.servicesOn(state.droplet(droplet)).stream().map(ServiceSpec::name).toList();
    }
}
