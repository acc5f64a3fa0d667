package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.CloudProvider;
import dev.fleet.desired.StateProblem;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code balancer: kind: digitalocean}, and each droplet's {@code digitalocean-id}. */
class CloudBalancerSectionTest {

    private static final String TOKEN = "dop_v1_sentinel-Xw81";
    private static final String STATE = """
            service:
              name: demo
              image: registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
              ports: ["80:80"]
            droplets:
              - name: droplet-1
                host: 10.0.0.1
                digitalocean-id: 3164444
              - name: droplet-2
                host: 10.0.0.2
                digitalocean-id: 3164445
            ssh:
              user: deploy
              identity-file: id_ed25519
              known-hosts: known_hosts
            balancer:
              kind: digitalocean
              load-balancer-id: 4de7ac8b-495b-4884-9a69-1050c6793cd6
              api-token-from-env: FLEET_SECRET_DIGITALOCEAN_TOKEN
            """;

    @TempDir
    Path dir;

    private StateFixture fixture;

    @BeforeEach
    void prepare() {
        fixture = new StateFixture(dir);
        fixture.env.put("FLEET_SECRET_DIGITALOCEAN_TOKEN", TOKEN);
    }

    @Test
    void aGoodSectionGivesTheBalancerEachDropletsIdAndTheDefaults() {
        BalancerSpec.Cloud cloud = load(STATE);

        assertThat(cloud.provider()).isEqualTo(CloudProvider.DIGITALOCEAN);
        assertThat(cloud.balancerId()).isEqualTo("4de7ac8b-495b-4884-9a69-1050c6793cd6");
        assertThat(cloud.api()).isEqualTo(URI.create("https://api.digitalocean.com"));
        assertThat(cloud.token().reveal()).isEqualTo(TOKEN);
        assertThat(cloud.tokenFrom()).isEqualTo("FLEET_SECRET_DIGITALOCEAN_TOKEN");
        assertThat(cloud.drainWait()).isEqualTo(Duration.ofSeconds(15));
        assertThat(cloud.droplets()).isEqualTo(Map.of("droplet-1", 3164444L, "droplet-2", 3164445L));
    }

    @Test
    void theTokenIsNeverInTheSpecsText() {
        assertThat(load(STATE).toString()).doesNotContain(TOKEN).contains("FLEET_SECRET_DIGITALOCEAN_TOKEN");
    }

    @Test
    void theDrainWaitIsTheStates() {
        BalancerSpec.Cloud cloud = load(STATE + "  drain-wait: 45s\n");

        assertThat(cloud.drainWait()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aDropletWithoutItsIdIsRefusedWhereItIsWithAHint() {
        StateProblem problem = fixture.single(STATE.replace("    digitalocean-id: 3164445\n", ""));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("9:5");
        assertThat(problem.message()).isEqualTo("droplets[1]: required key 'digitalocean-id' is missing: balancer kind"
                + " digitalocean takes a droplet out of the load balancer by its DigitalOcean id");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("doctl compute droplet list"));
    }

    @Test
    void aMisspelledIdKeyIsUnknownWithADidYouMean() {
        List<StateProblem> problems = fixture.problems(STATE.replace("digitalocean-id: 3164444",
                "digitalocean_id: 3164444"));

        assertThat(problems).extracting(p -> p.line() + ":" + p.column() + " " + p.message()).containsExactly(
                "6:5 droplets[0]: required key 'digitalocean-id' is missing: balancer kind digitalocean takes a"
                        + " droplet out of the load balancer by its DigitalOcean id",
                "8:5 droplets[0].digitalocean_id: unknown key; did you mean 'digitalocean-id'?");
    }

    @Test
    void aMisspelledBalancerKeyIsUnknownWithADidYouMean() {
        List<StateProblem> problems = fixture.problems(STATE.replace("  load-balancer-id:", "  loadbalancer-id:"));

        assertThat(problems).extracting(StateProblem::message).contains(
                "balancer.loadbalancer-id: unknown key; did you mean 'load-balancer-id'?",
                "balancer: required key 'load-balancer-id' is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "31644x", "3.5", "droplet-1"})
    void anIdIsAPositiveWholeNumber(String id) {
        StateProblem problem = fixture.single(STATE.replace("digitalocean-id: 3164445", "digitalocean-id: \"" + id + "\""));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("11:22");
        assertThat(problem.message()).isEqualTo("droplets[1].digitalocean-id: \"" + id
                + "\" is not a DigitalOcean droplet id");
    }

    @Test
    void twoDropletsCannotShareAnId() {
        StateProblem problem = fixture.single(STATE.replace("3164445", "3164444"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("11:22");
        assertThat(problem.message()).isEqualTo("droplets[1].digitalocean-id: 3164444 is already the digitalocean-id"
                + " of droplets[0] (line 8)");
    }

    @Test
    void aBalancerIdThatIsNotOneIsRefused() {
        StateProblem problem = fixture.single(STATE.replace("4de7ac8b-495b-4884-9a69-1050c6793cd6", "../v2/account"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("18:21");
        assertThat(problem.message()).startsWith("balancer.load-balancer-id: \"../v2/account\" is not a DigitalOcean");
    }

    @Test
    void aDropletsIdUnderAnotherKindIsRefused() {
        String state = STATE.replace("""
                  kind: digitalocean
                  load-balancer-id: 4de7ac8b-495b-4884-9a69-1050c6793cd6
                  api-token-from-env: FLEET_SECRET_DIGITALOCEAN_TOKEN
                """, """
                  kind: haproxy
                  socket: haproxy.sock
                  backend: droplets
                """);

        List<StateProblem> problems = fixture.problems(state);

        assertThat(problems).extracting(p -> p.line() + ":" + p.column() + " " + p.message()).containsExactly(
                "8:5 droplets[0].digitalocean-id: belongs to balancer kind digitalocean, not haproxy",
                "11:5 droplets[1].digitalocean-id: belongs to balancer kind digitalocean, not haproxy");
    }

    @Test
    void anUnknownKindSaysSoAndNothingAboutTheDropletsIds() {
        StateProblem problem = fixture.single(STATE.replace("kind: digitalocean", "kind: digital-ocean"));

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("17:9");
        assertThat(problem.message()).isEqualTo("balancer.kind: \"digital-ocean\" is not a balancer kind");
        assertThat(problem.hint()).hasValueSatisfying(hint -> assertThat(hint).contains("digitalocean (fleet removes"));
    }

    @Test
    void anotherKindsKeyIsRefused() {
        StateProblem problem = fixture.single(STATE + "  backend: droplets\n");

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("20:3");
        assertThat(problem.message()).isEqualTo("balancer.backend: belongs to kind haproxy, not digitalocean");
    }

    @Test
    void theTokenComesFromAVariableMadeForTheState() {
        fixture.env.put("DIGITALOCEAN_TOKEN", TOKEN);
        StateProblem problem = fixture.single(STATE.replace("FLEET_SECRET_DIGITALOCEAN_TOKEN", "DIGITALOCEAN_TOKEN"));

        assertThat(problem.message()).startsWith("balancer.api-token-from-env: DIGITALOCEAN_TOKEN is not a variable a"
                + " state may read");
        assertThat(problem.toString()).doesNotContain(TOKEN);
    }

    @Test
    void anUnsetTokenIsRefused() {
        fixture.env.remove("FLEET_SECRET_DIGITALOCEAN_TOKEN");

        StateProblem problem = fixture.single(STATE);

        assertThat(problem.message()).isEqualTo("balancer.api-token-from-env: FLEET_SECRET_DIGITALOCEAN_TOKEN is not set"
                + " in fleet's environment");
    }

    @Test
    void theStateCannotNameTheApiWhereTheTokenGoes() {
        StateProblem problem = fixture.single(STATE + "  api: https://collector.example.net\n");

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("20:3");
        assertThat(problem.message()).startsWith("balancer.api: is not the state's to say");
        assertThat(problem.toString()).contains("set FLEET_DIGITALOCEAN_API in fleet's environment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8443", "https://do-egress.example.net"})
    void fleetsEnvironmentNamesAnotherApiHttpsOrLoopback(String url) {
        fixture.env.put("FLEET_DIGITALOCEAN_API", url);

        assertThat(load(STATE).api()).isEqualTo(URI.create(url));
    }

    @Test
    void plainHttpToAnotherMachineIsRefusedAtTheKind() {
        fixture.env.put("FLEET_DIGITALOCEAN_API", "http://10.0.0.5:8080");

        StateProblem problem = fixture.single(STATE);

        assertThat(problem.line() + ":" + problem.column()).isEqualTo("17:9");
        assertThat(problem.message()).isEqualTo("balancer.kind: FLEET_DIGITALOCEAN_API in fleet's environment"
                + " (\"http://10.0.0.5:8080\") is plain http to another machine: the token would cross the network"
                + " unencrypted");
    }

    @Test
    void aDrainWaitOfMoreThanTenMinutesIsRefused() {
        StateProblem problem = fixture.single(STATE + "  drain-wait: 11m\n");

        assertThat(problem.message()).isEqualTo("balancer.drain-wait: is longer than 10m");
    }

    @Test
    void fleetValidateChecksTheSectionWithoutTheToken() throws Exception {
        fixture.env.remove("FLEET_SECRET_DIGITALOCEAN_TOKEN");
        Path file = fixture.write("fleet.yaml", STATE);

        assertThat(StateLoader.offline(fixture.env).check(file).balancer()).isEqualTo("digitalocean");
    }

    private BalancerSpec.Cloud load(String state) {
        Path file = fixture.write("fleet.yaml", state);
        try {
            return (BalancerSpec.Cloud) fixture.loader().load(file).balancer();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
