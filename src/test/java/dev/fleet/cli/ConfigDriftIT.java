package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.lab.LoadRun;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
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
 * The whole container is desired state, on the lab under load through the strict HAProxy: a
 * rotated secret, a container recreated by hand, a new image and new settings in one commit, a
 * named volume across versions, log rotation by default, and settings a droplet cannot take, which
 * roll the droplet back to the container it ran.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigDriftIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final int RATE = 150;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String FIRST_TOKEN = "first-token-" + UUID.randomUUID();
    private static final String ROTATED_TOKEN = "rotated-token-" + UUID.randomUUID();
    private static final Map<String, String> SECRETS = Map.of("FLEET_SECRET_API_TOKEN", FIRST_TOKEN,
            "FLEET_SECRET_API_TOKEN_ROTATED", ROTATED_TOKEN);

    @Test
    @Order(1)
    void aRotatedSecretIsConfigDriftOnEveryDropletAndOneApplyUnderLoadBringsItToEveryApp() throws Exception {
        lab().commitState(state -> state.replace("  restart: always\n", """
                  restart: always
                  environment:
                    API_TOKEN: { secret-from-env: FLEET_SECRET_API_TOKEN }
                    DATA_DIR: /data
                  volumes: ["demo-data:/data"]
                """), "the token, and the app's data on a named volume");
        applyUnderLoad("adding the token and the volume");
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(envOf(droplet, "API_TOKEN")).isEqualTo(envAnswer("API_TOKEN", FIRST_TOKEN));
        }

        lab().commitState(state -> state.replace("secret-from-env: FLEET_SECRET_API_TOKEN }",
                "secret-from-env: FLEET_SECRET_API_TOKEN_ROTATED }"), "rotate the token");

        FleetProcess.Result drift = fleet("drift", "--output", "json");
        assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isEqualTo(2);
        JsonNode report = JSON.readTree(drift.stdout());
        assertThat(report.get("schema").asText()).isEqualTo("fleet.drift/v2");
        assertThat(report.get("summary").get("CONFIG_DRIFT").asInt()).isEqualTo(3);
        for (JsonNode droplet : report.get("droplets")) {
            assertThat(droplet.get("status").asText()).isEqualTo("CONFIG_DRIFT");
            assertThat(droplet.get("configDifferences").toString()).isEqualTo("[\"environment.API_TOKEN changed\"]");
            assertThat(droplet.get("reason").asText()).contains("environment.API_TOKEN changed");
        }
        FleetProcess.Result table = fleet("drift");
        assertThat(table.stdout()).contains("CONFIG_DRIFT").contains("environment.API_TOKEN changed");
        FleetProcess.Result plan = fleet("plan");
        assertThat(plan.stdout()).contains("why: CONFIG_DRIFT").contains("environment.API_TOKEN changed");
        for (FleetProcess.Result said : List.of(drift, table, plan)) {
            assertThat(said.stdout() + said.stderr()).doesNotContain(FIRST_TOKEN).doesNotContain(ROTATED_TOKEN);
        }

        FleetProcess.Result apply = applyUnderLoad("rotating the token");
        assertThat(apply.stdout() + apply.stderr()).doesNotContain(FIRST_TOKEN).doesNotContain(ROTATED_TOKEN);
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(envOf(droplet, "API_TOKEN")).as(droplet.name())
                    .isEqualTo(envAnswer("API_TOKEN", ROTATED_TOKEN));
        }
        assertNothingLeftToDo();
    }

    @Test
    @Order(2)
    void aContainerRecreatedByHandWithOtherSettingsIsCaughtOnThatDropletAlone() throws Exception {
        LabDroplet changed = lab().droplets().get(1);
        lab().runApp(changed, lab().env("LAB_IMAGE_V1"), Map.of("API_TOKEN", ROTATED_TOKEN, "DEBUG", "1"));

        FleetProcess.Result drift = fleet("drift", "--output", "json");
        assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isEqualTo(2);
        Map<String, String> statuses = new LinkedHashMap<>();
        Map<String, String> differences = new HashMap<>();
        for (JsonNode droplet : JSON.readTree(drift.stdout()).get("droplets")) {
            statuses.put(droplet.get("name").asText(), droplet.get("status").asText());
            differences.put(droplet.get("name").asText(), droplet.get("configDifferences").toString());
        }
        assertThat(statuses).containsEntry(changed.name(), "CONFIG_DRIFT")
                .containsEntry(lab().droplets().get(0).name(), "IN_SYNC")
                .containsEntry(lab().droplets().get(2).name(), "IN_SYNC");
        assertThat(differences.get(changed.name())).contains("environment.DATA_DIR added")
                .contains("environment.DEBUG removed").contains("volumes: demo-data:/data added")
                .doesNotContain("API_TOKEN");
        assertThat(drift.stdout()).doesNotContain(ROTATED_TOKEN);

        FleetProcess.Result apply = applyUnderLoad("replacing the hand-made container");
        assertThat(apply.stdout()).contains(changed.name());
        assertNothingLeftToDo();
    }

    @Test
    @Order(3)
    void aNewImageAndNewSettingsInOneCommitReplaceEachContainerOnceAndTheVolumeKeepsItsData() throws Exception {
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2"))
                .replace("    DATA_DIR: /data\n", "    DATA_DIR: /data\n    REGION: lab-1\n"),
                "v2, and a region");

        FleetProcess.Result plan = fleet("plan");
        assertThat(plan.exitCode()).as("drift to plan for: " + plan.stderr()).isEqualTo(2);
        for (LabDroplet droplet : lab().droplets()) {
            String section = section(plan.stdout(), droplet.name());
            assertThat(section).contains("why: IMAGE_DRIFT").contains("environment.REGION added");
            String forward = section.split("if the new container fails")[0];
            assertThat(Pattern.compile("start demo on").matcher(forward).results().count())
                    .as("one replacement of " + droplet.name() + ", not two:\n" + section).isEqualTo(1);
        }
        FleetProcess.Result json = fleet("plan", "-o", "json");
        assertThat(json.exitCode()).as(json.stderr()).isEqualTo(2);
        JsonNode planned = new ObjectMapper().readTree(json.stdout());
        assertThat(planned.path("schema").asText()).isEqualTo("fleet.plan/v1");
        assertThat(planned.path("outcome").asText()).isEqualTo("ready");
        assertThat(planned.path("estimateSeconds").asLong()).isPositive();
        assertThat(planned.path("pace").path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(planned.path("droplets")).extracting(d -> d.path("droplet").asText())
                .containsExactlyElementsOf(lab().droplets().stream().map(LabDroplet::name).toList());
        for (JsonNode droplet : planned.path("droplets")) {
            assertThat(droplet.path("why").asText()).contains("IMAGE_DRIFT");
            assertThat(droplet.path("toDigest").asText()).startsWith("sha256:");
            assertThat(droplet.path("steps")).extracting(JsonNode::asText)
                    .anySatisfy(step -> assertThat(step).contains("start demo on"));
            assertThat(droplet.path("rollback")).isNotEmpty();
        }
        // As a bot posts it on a pull request, through the deploy template's own jq filter.
        String markdown = PlanMarkdownBot.markdown(json.stdout());
        assertThat(markdown).startsWith("## Plan: ready\n").contains("| Droplet | Wave | From | To | Why | Steps |");
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(markdown).containsPattern("(?m)^\\| `" + droplet.name() + "` \\| [1-3] \\| [0-9a-f]{12} \\| [0-9a-f]{12} \\| IMAGE_DRIFT");
        }

        applyUnderLoad("v2 and a region at once");
        for (LabDroplet droplet : lab().droplets()) {
            assertThat(envOf(droplet, "REGION")).isEqualTo(envAnswer("REGION", "lab-1"));
            String starts = get(droplet, "/data");
            assertThat(starts).as("what v2 reads from the volume v1 wrote on " + droplet.name())
                    .matches("\\{\"starts\":\"(v1 )+v2\"\\}");
            String log = lab().dockerOn(droplet, "inspect", "-f", "{{json .HostConfig.LogConfig}}", "demo").output();
            assertThat(log).as("log rotation on by default").contains("\"max-size\":\"10m\"").contains("\"max-file\":\"3\"");
        }
        assertNothingLeftToDo();
    }

    @Test
    @Order(4)
    void settingsADropletCannotTakeRollItBackToTheContainerItRanAndStopTheRollout() throws Exception {
        for (String bad : List.of("volumes: [\"demo-data:/data\", \"/does/not/exist:/config:ro\"]",
                "volumes: [\"demo-data:/data\"]\n  networks: [no-such-network]")) {
            LabDroplet first = lab().droplets().get(0);
            Map<String, String> before = new LinkedHashMap<>();
            for (LabDroplet droplet : lab().droplets()) {
                before.put(droplet.name(), setup(droplet));
            }
            String idsBefore = ids();
            lab().commitState(state -> state.replaceAll("  volumes: \\[\"demo-data:/data\"\\]\n(  networks: .*\n)?",
                    "  " + bad.replace("\\", "\\\\") + "\n"), "settings the droplets cannot take: " + bad);

            FleetProcess.Result apply;
            LoadRun.Summary load;
            try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
                apply = fleet("apply", "--yes");
                load = run.stop();
            }
            load.assertZeroDowntime("rolling back " + bad, apply.stdout());
            assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isEqualTo(3);
            assertThat(apply.stdout()).containsPattern("(?m)^  \\S+ +rolled-back ");
            for (LabDroplet droplet : lab().droplets()) {
                assertThat(setup(droplet)).as(droplet.name() + " runs the container it ran before")
                        .isEqualTo(before.get(droplet.name()));
            }
            assertThat(ids().split(" ")).as("only the first droplet was touched")
                    .containsSubsequence(idsBefore.split(" ")[1], idsBefore.split(" ")[2])
                    .doesNotContain(idsBefore.split(" ")[0]);
            assertThat(get(first, "/health")).contains("ok");

            lab().commitState(state -> state.replaceAll("  volumes: .*\n(  networks: .*\n)?",
                    "  volumes: [\"demo-data:/data\"]\n"), "back to settings that work");
            FleetProcess.Result drift = fleet("drift");
            assertThat(drift.exitCode()).as(drift.stdout() + drift.stderr()).isZero();
        }
    }

    @Test
    @Order(5)
    void afterThreeMoreRolloutsEachDropletKeepsTheLastImagesAndARollbackStillFindsItsImage() throws Exception {
        String v1 = lab().env("LAB_IMAGE_V1");
        String v2 = lab().env("LAB_IMAGE_V2");
        List<String> next = List.of(lab().pushVariant("v2", "v3"), lab().pushVariant("v2", "v4"),
                lab().pushVariant("v2", "v5"));
        String current = v2;
        for (String image : next) {
            String from = current;
            lab().commitState(state -> state.replace(from, image), "deploy " + image);
            applyUnderLoad("deploying " + image);
            current = image;
        }
        for (LabDroplet droplet : lab().droplets()) {
            String images = lab().dockerOn(droplet, "images", "--digests", "--format", "{{.Repository}}@{{.Digest}}")
                    .output();
            assertThat(images).as(droplet.name() + " keeps the last three images fleet ran")
                    .contains(next.get(0)).contains(next.get(1)).contains(next.get(2))
                    .doesNotContain(v1).doesNotContain(v2);
        }
        JsonNode drift = JSON.readTree(fleet("drift", "--output", "json").stdout());
        for (JsonNode droplet : drift.get("droplets")) {
            assertThat(droplet.get("images").get("count").asInt()).as(droplet.toString()).isEqualTo(3);
        }

        String last = current;
        lab().commitState(state -> state.replace(last, lab().env("LAB_IMAGE_BAD")), "deploy the bad image");
        FleetProcess.Result bad;
        LoadRun.Summary load;
        try (LoadRun run = LoadRun.start(lab().env("LAB_LB_URL") + "/", RATE, 300)) {
            bad = fleet("apply", "--yes");
            load = run.stop();
        }
        load.assertZeroDowntime("rolling back to " + last, bad.stdout());
        assertThat(bad.exitCode()).as(bad.stdout() + bad.stderr()).isEqualTo(3);
        assertThat(bad.stdout()).containsPattern("(?m)^  \\S+ +rolled-back ");
        String runningDigest = lab().dockerOn(lab().droplets().get(0), "inspect", "-f",
                "{{index .Config.Labels \"fleet.digest\"}}", "demo").output().strip();
        assertThat(last).endsWith("@" + runningDigest);

        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_BAD"), last), "back to " + last);
        assertThat(fleet("drift").exitCode()).isZero();
    }

    /** The container as its engine reports it, with what changes on every recreation left out. */
    private static String setup(LabDroplet droplet) {
        return lab().dockerOn(droplet, "inspect", "-f",
                "{{json .Config.Image}} {{json .Config.Env}} {{json .Config.Cmd}} {{json .HostConfig.PortBindings}}"
                        + " {{json .HostConfig.RestartPolicy}} {{json .HostConfig.LogConfig}} {{json .HostConfig.Mounts}}"
                        + " {{json .HostConfig.Binds}} {{index .Config.Labels \"fleet.service\"}}"
                        + " {{index .Config.Labels \"fleet.digest\"}} {{json .NetworkSettings.Networks.bridge.NetworkID}}",
                "demo").output().trim();
    }

    private static String ids() {
        StringBuilder ids = new StringBuilder();
        for (LabDroplet droplet : lab().droplets()) {
            ids.append(lab().dockerOn(droplet, "inspect", "-f", "{{.Id}}", "demo").output().trim()).append(' ');
        }
        return ids.toString().trim();
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
        assertThat(again.stdout()).contains("nothing to do").doesNotContain("start demo on");
    }

    /** The droplet's section of a plan: from its name to the next droplet's. */
    private static String section(String plan, String droplet) {
        Matcher matcher = Pattern.compile("(?ms)^" + Pattern.quote(droplet) + ": .*?(?=^droplet-\\d+: |\\z)")
                .matcher(plan);
        assertThat(matcher.find()).as(droplet + " in the plan:\n" + plan).isTrue();
        return matcher.group();
    }

    private static String envOf(LabDroplet droplet, String name) throws Exception {
        return get(droplet, "/env/" + name);
    }

    private static String get(LabDroplet droplet, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(lab().appUri(droplet, path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    /** What the demo app answers for a variable of this value: its length and FNV-1a 64, computed here. */
    private static String envAnswer(String name, String value) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return "{\"name\":\"" + name + "\",\"set\":true,\"length\":" + value.getBytes(StandardCharsets.UTF_8).length
                + ",\"fnv1a64\":\"" + String.format("%016x", hash) + "\"}";
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
