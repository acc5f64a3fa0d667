package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import dev.fleet.lab.RotationSampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fleet of services on the lab, under load through the strict HAProxy: the web app behind the
 * balancer on every droplet, a worker without a port on two (it appends a heartbeat to a file on a
 * named volume every 100 ms), and an accessory with its data on a named volume on the third.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServicesIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withServices(3);

    private static final int RATE = 150;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The worker's stop grace, and what its restart may add: the longest heartbeat gap a swap may leave. */
    private static final long WORKER_STOP_GRACE_MS = 2_000;
    private static final long WORKER_START_MS = 3_000;

    private static final String TOKEN = "hook-token-" + UUID.randomUUID();
    private static final Map<String, String> SECRETS = Map.of("FLEET_SECRET_API_TOKEN", TOKEN);
    /** The web service's keys for its hooks: a secret to redact, and a volume the hooks count their runs on. */
    private static final String WEB_DATA = """
                environment:
                  API_TOKEN: { secret-from-env: FLEET_SECRET_API_TOKEN }
                  DATA_DIR: /data
                volumes: ["web-data:/data"]
            """;

    private static String accessoryId;

    @Test
    @Order(1)
    void webWorkerAndAccessoryAreDeployedFromNothingAndDriftReportsEachServicePerDroplet() throws Exception {
        String v1 = lab().env("LAB_IMAGE_V1");
        for (LabDroplet droplet : lab().droplets()) {
            lab().dockerOn(droplet, "rm", "-f", "demo"); // from nothing: the lab's own start of the app goes
        }
        commitServices(v1, v1, v1, "web, a worker on two droplets, an accessory on the third");

        FleetProcess.Result first = fleet("apply", "--yes");
        assertThat(first.exitCode()).as(first.stdout() + first.stderr()).isZero();
        assertThat(lab().balancerStates().values()).as("every droplet in rotation").allMatch(s -> s.startsWith("UP"));

        JsonNode report = JSON.readTree(fleet("drift", "--output", "json").stdout());
        Map<String, List<String>> services = new LinkedHashMap<>();
        for (JsonNode droplet : report.get("droplets")) {
            assertThat(droplet.get("status").asText()).isEqualTo("IN_SYNC");
            List<String> names = new ArrayList<>();
            for (JsonNode service : droplet.get("services")) {
                names.add(service.get("name").asText() + " " + service.get("role").asText() + " "
                        + service.get("status").asText());
            }
            services.put(droplet.get("name").asText(), names);
        }
        assertThat(services).containsExactly(
                Map.entry("droplet-1", List.of("worker worker IN_SYNC")),
                Map.entry("droplet-2", List.of("worker worker IN_SYNC")),
                Map.entry("droplet-3", List.of("kv accessory IN_SYNC")));
        assertThat(report.get("clean").asBoolean()).isTrue();
        FleetProcess.Result table = fleet("drift");
        assertThat(table.stdout()).contains("DROPLET/SERVICE").contains("droplet-1/worker").contains("droplet-3/kv");
        for (LabDroplet droplet : lab().droplets().subList(0, 2)) {
            assertThat(heartbeats(droplet)).as("the worker on " + droplet.name() + " beats").isNotEmpty();
        }
        accessoryId = containerId(lab().droplets().get(2), "kv");
        assertNothingLeftToDo();
    }

    @Test
    @Order(2)
    void oneCommitOfNewWebAndWorkerImagesDrainsEachDropletOnceKeepsTheWorkerBeatingAndLeavesTheAccessory()
            throws Exception {
        String v1 = lab().env("LAB_IMAGE_V1");
        String v2 = lab().env("LAB_IMAGE_V2");
        commitServices(v2, v2, v1, "web and worker on v2");

        FleetProcess.Result plan = fleet("plan");
        assertThat(plan.stdout()).contains("start worker on").doesNotContain("start kv on");
        long since = System.currentTimeMillis();
        Map<String, Integer> timesLeft;
        try (RotationSampler rotation = RotationSampler.start(lab())) {
            applyUnderLoad("web and worker to v2");
            timesLeft = rotation.timesLeft();
        }
        assertThat(timesLeft.values()).as("times each droplet left rotation: " + timesLeft).allMatch(n -> n <= 1);
        for (LabDroplet droplet : lab().droplets().subList(0, 2)) {
            List<long[]> beats = heartbeats(droplet);
            long gap = longestGap(beats, since);
            System.out.printf("worker on %s: longest heartbeat gap during the rollout %d ms%n", droplet.name(), gap);
            assertThat(gap).as("longest heartbeat gap on " + droplet.name())
                    .isLessThanOrEqualTo(WORKER_STOP_GRACE_MS + WORKER_START_MS);
            assertThat(lab().dockerOn(droplet, "inspect", "-f", "{{.Config.Image}}", "worker").output().trim())
                    .isEqualTo(v2);
        }
        assertThat(containerId(lab().droplets().get(2), "kv")).as("the accessory is untouched").isEqualTo(accessoryId);
        assertNothingLeftToDo();
    }

    @Test
    @Order(3)
    void aBadWorkerImageUndoesTheDropletsWholeTurnAndStopsTheRollout() throws Exception {
        String v1 = lab().env("LAB_IMAGE_V1");
        String v2 = lab().env("LAB_IMAGE_V2");
        String v3 = lab().pushVariant("v2", "v3");
        commitServices(v3, lab().env("LAB_IMAGE_BAD"), v1, "web v3, and a worker that crashes");
        Map<String, String> webBefore = new LinkedHashMap<>();
        for (LabDroplet droplet : lab().droplets()) {
            webBefore.put(droplet.name(), containerId(droplet, "demo"));
        }

        FleetProcess.Result apply;
        LoadRun.Summary load;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            apply = fleet("apply", "--yes");
            load = run.stop();
        }
        load.assertRanFully().assertZeroDowntime("a bad worker rolled back", apply.stdout());
        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(3);
        assertThat(apply.stdout()).containsPattern("(?m)^  \\S+ +rolled-back ").contains("restarted");
        LabDroplet first = lab().droplets().get(0);
        assertThat(image(first, "demo")).as("web on the first droplet is back on what it ran").isEqualTo(v2);
        assertThat(image(first, "worker")).as("the worker is back on what it ran").isEqualTo(v2);
        assertThat(lab().balancerStates().get(first.name())).startsWith("UP");
        for (LabDroplet droplet : lab().droplets().subList(1, 3)) {
            assertThat(containerId(droplet, "demo")).as(droplet.name() + " untouched")
                    .isEqualTo(webBefore.get(droplet.name()));
        }
        commitServices(v2, v2, v1, "back to v2");
        FleetProcess.Result drift = fleet("drift");
        assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isZero();
    }

    @Test
    @Order(4)
    void aPreDeployHookThatFailsDrainsNothingAndItsRedactedOutputIsInTheReportAndTheHistory() throws Exception {
        String v4 = lab().pushVariant("v2", "v4");
        commitServices(v4, lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_V1"), WEB_DATA + """
                    hooks:
                      pre-deploy:
                        command: ["hook", "badmigrate", "3", "0", "API_TOKEN"]
                        timeout: 30s
                """, "web v4 behind a migration that fails");
        String idsBefore = webIds();

        FleetProcess.Result apply;
        Map<String, Integer> timesLeft;
        try (RotationSampler rotation = RotationSampler.start(lab())) {
            apply = fleet("apply", "--yes");
            timesLeft = rotation.timesLeft();
        }
        String said = apply.stdout() + apply.stderr();
        assertThat(apply.exitCode()).as(said).isEqualTo(1);
        assertThat(timesLeft).as("nothing drained").isEmpty();
        assertThat(webIds()).as("no web container replaced").isEqualTo(idsBefore);
        assertThat(apply.stderr()).contains("pre-deploy hook of demo on droplet-1").contains("exit 3")
                .contains("nothing was drained").contains("hook badmigrate exiting 3")
                .contains("API_TOKEN=[secret API_TOKEN]");
        assertThat(said).doesNotContain(TOKEN);
        FleetProcess.Result history = fleet("history");
        assertThat(history.stdout()).contains("hook: pre-deploy hook of demo on droplet-1").contains("exit 3")
                .contains("hook badmigrate exiting 3").doesNotContain(TOKEN);
    }

    @Test
    @Order(5)
    void aPreDeployHookThatSucceededRunsOnceWhenTheApplyIsKilledAfterItAndRunAgain() throws Exception {
        String v5 = lab().pushVariant("v2", "v5");
        commitServices(v5, lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_V1"), WEB_DATA + """
                    hooks:
                      pre-deploy:
                        command: ["hook", "migrate", "0", "500"]
                        timeout: 30s
                """, "web v5 behind a migration that works");
        LoadRun.Summary load;
        FleetProcess.Result second;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            try (FleetProcess.Running first = FleetProcess.start(SECRETS, "apply", "--yes", "--state",
                    lab().stateFile().toString())) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!first.stdout().contains("pre-deploy hook of demo on droplet-1: hook migrate 0 500 (at most 30s): exit 0")
                        && first.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(first.isAlive()).as("the first apply, killed after its hook:\n" + first.stdout()).isTrue();
                first.kill();
            }
            second = fleet("apply", "--yes");
            load = run.stop();
        }
        assertThat(second.exitCode()).as(second.stdout() + second.stderr()).isZero();
        assertThat(second.stdout()).contains("succeeded for this image in run").contains("not run again");
        load.assertRanFully().assertZeroDowntime("an apply killed after its hook, then run again", second.stdout());
        String hooks = lab().onDroplet(lab().droplets().get(0), "cat", "/var/lib/docker/volumes/web-data/_data/hooks")
                .output();
        assertThat(hooks.lines().filter(line -> line.startsWith("migrate ")).count())
                .as("runs of the migration:\n" + hooks).isEqualTo(1);
        assertNothingLeftToDo();
    }

    @Test
    @Order(6)
    void aFailedPostDeployHookWithRollbackOnFailureTakesEveryDropletBackUnderLoad() throws Exception {
        String v5 = image(lab().droplets().get(0), "demo");
        String v6 = lab().pushVariant("v2", "v6");
        commitServices(v6, lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_V1"), WEB_DATA + """
                    hooks:
                      post-deploy:
                        command: ["hook", "smoke", "1"]
                        timeout: 30s
                      rollback-on-failure: true
                """, "web v6, and a smoke test that fails");

        FleetProcess.Result apply;
        LoadRun.Summary load;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            apply = fleet("apply", "--yes");
            load = run.stop();
        }
        load.assertRanFully().assertZeroDowntime("a fleet-wide revert after a failed smoke test", apply.stdout());
        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(3);
        assertThat(apply.stderr()).contains("post-deploy hook of demo").contains("exit 1")
                .contains("every droplet this apply moved was rolled back");
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(image(droplet, "demo")).as(droplet.name() + " back on what it ran").isEqualTo(v5);
            assertThat(lab().balancerStates().get(droplet.name())).startsWith("UP");
        }
        assertThat(apply.stdout().lines().filter(line -> line.matches("  \\S+ +rolled-back .*")).count()).isEqualTo(3);
    }

    @Test
    @Order(7)
    void aServiceTakenOutOfTheStateLeavesLeftoversThatDriftListsAndOnlyApplyPruneRemoves() throws Exception {
        String v5 = image(lab().droplets().get(0), "demo");
        String v1 = lab().env("LAB_IMAGE_V1");
        lab().commitState(state -> {
            String services = """
                    services:
                      - name: demo
                        image: %s
                        ports: ["80:80"]
                        restart: always
                    %s  - name: kv
                        role: accessory
                        on: [db]
                        image: %s
                        restart: always
                        environment:
                          DATA_DIR: /data
                        volumes: ["kv-data:/data"]
                        min-uptime: 2s
                    """.formatted(v5, WEB_DATA, v1);
            return Pattern.compile("(?ms)^services:\n.*?(?=^ssh:)").matcher(state)
                    .replaceFirst(Matcher.quoteReplacement(services));
        }, "no more worker");

        FleetProcess.Result drift = fleet("drift", "--output", "json");
        assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isEqualTo(2);
        JsonNode report = JSON.readTree(drift.stdout());
        for (JsonNode droplet : report.get("droplets")) {
            String leftovers = droplet.get("unmanaged").toString();
            if (droplet.get("name").asText().equals("droplet-3")) {
                assertThat(leftovers).isEqualTo("[]");
            } else {
                assertThat(leftovers).contains("\"name\":\"worker\"").contains("\"leftoverOf\":\"worker\"");
            }
        }
        assertThat(fleet("plan").stdout()).contains("leftover container worker of service worker on droplet-1");
        FleetProcess.Result kept = fleet("apply", "--yes");
        assertThat(kept.exitCode()).as(kept.stdout() + kept.stderr()).isZero();
        assertThat(lab().dockerOn(lab().droplets().get(0), "ps", "-a", "--format", "{{.Names}}").output())
                .contains("worker");

        FleetProcess.Result pruned = fleet("apply", "--yes", "--prune");
        assertThat(pruned.exitCode()).as(pruned.stdout() + pruned.stderr()).isZero();
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(lab().dockerOn(droplet, "ps", "-a", "--format", "{{.Names}}").output())
                    .as(droplet.name()).doesNotContain("worker").contains("demo");
        }
        FleetProcess.Result clean = fleet("drift");
        assertThat(clean.exitCode()).as(clean.stdout() + clean.stderr()).isZero();
    }

    private static String webIds() {
        StringBuilder ids = new StringBuilder();
        for (LabDroplet droplet : lab().droplets()) {
            ids.append(containerId(droplet, "demo")).append(' ');
        }
        return ids.toString();
    }

    /** The lab's state with its service: section replaced by three services, and its droplets tagged. */
    private static void commitServices(String web, String worker, String kv, String message) {
        commitServices(web, worker, kv, "", message);
    }

    /** @param webKeys more keys of the web service, each line indented by four spaces */
    private static void commitServices(String web, String worker, String kv, String webKeys, String message) {
        lab().commitState(state -> {
            String services = """
                    services:
                      - name: demo
                        image: %s
                        ports: ["80:80"]
                        restart: always
                    %s  - name: worker
                        role: worker
                        on: [workers]
                        image: %s
                        restart: always
                        environment:
                          APP_MODE: worker
                          HEARTBEAT_FILE: /beat/heartbeat
                          HEARTBEAT_MS: 100
                        volumes: ["worker-beat:/beat"]
                        stop-grace: 2s
                        min-uptime: 2s
                      - name: kv
                        role: accessory
                        on: [db]
                        image: %s
                        restart: always
                        environment:
                          DATA_DIR: /data
                        volumes: ["kv-data:/data"]
                        min-uptime: 2s
                    """.formatted(web, webKeys, worker, kv);
            // The droplets' tags (workers, workers, db) are the services lab's own.
            return Pattern.compile("(?ms)^services?:\n.*?(?=^ssh:)").matcher(state).replaceFirst(
                    Matcher.quoteReplacement(services));
        }, message);
    }

    /** The worker's heartbeats on {@code droplet}: epoch milliseconds, oldest first (its file and the one rotated out). */
    private static List<long[]> heartbeats(LabDroplet droplet) {
        String folder = "/var/lib/docker/volumes/worker-beat/_data/";
        String text = lab().onDroplet(droplet, "sh", "-c", "cat " + folder + "heartbeat.1 2>/dev/null; cat "
                + folder + "heartbeat").output();
        List<long[]> beats = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length == 3 && fields[0].matches("\\d{13}")) {
                beats.add(new long[] {Long.parseLong(fields[0])});
            }
        }
        return beats;
    }

    /** The longest time without a heartbeat from {@code since} on (two workers may beat at once during a swap). */
    private static long longestGap(List<long[]> beats, long since) {
        List<Long> times = beats.stream().map(b -> b[0]).filter(t -> t >= since - 1_000).sorted().toList();
        assertThat(times).as("heartbeats since the rollout began").hasSizeGreaterThan(10);
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        return Math.max(longest, System.currentTimeMillis() - times.getLast()); // a worker that stopped beating
    }

    private static String containerId(LabDroplet droplet, String name) {
        return lab().dockerOn(droplet, "inspect", "-f", "{{.Id}}", name).output().trim();
    }

    private static String image(LabDroplet droplet, String name) {
        return lab().dockerOn(droplet, "inspect", "-f", "{{.Config.Image}}", name).output().trim();
    }

    private static FleetProcess.Result applyUnderLoad(String what) {
        FleetProcess.Result apply;
        LoadRun.Summary load;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            apply = fleet("apply", "--yes");
            load = run.stop();
        }
        assertThat(apply.exitCode()).as(what + ":\n" + apply.stdout() + apply.stderr()).isZero();
        load.assertRanFully().assertZeroDowntime(what, apply.stdout());
        return apply;
    }

    /** drift exits 0 and a second apply changes nothing. */
    private static void assertNothingLeftToDo() {
        FleetProcess.Result drift = fleet("drift");
        assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isZero();
        FleetProcess.Result again = fleet("apply", "--yes");
        assertThat(again.exitCode()).as(again.stdout() + again.stderr()).isZero();
        assertThat(again.stdout()).contains("nothing to do");
    }

    private static FleetProcess.Result fleet(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--state";
        all[args.length + 1] = lab().stateFile().toString();
        return FleetProcess.run(SECRETS, all);
    }

    private static Lab lab() {
        return lab.get();
    }
}
