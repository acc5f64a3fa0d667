package dev.fleet.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.CloudProvider;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.Secret;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.plan.BalancerTiming;
import dev.fleet.plan.Step;
import dev.fleet.plan.StepText;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each kind of balancer as the plan reads it: chosen from the state, its timing, its words, its refusals. */
class BalancersTest {

    private static final Step.Drain DRAIN = new Step.Drain("d1");
    private static final Step.AwaitDrained DRAINED = new Step.AwaitDrained("d1", Duration.ofSeconds(30));
    private static final Step.Undrain UNDRAIN = new Step.Undrain("d1");
    private static final Step.AwaitInRotation BACK = new Step.AwaitInRotation("d1", Duration.ofSeconds(14));

    @Test
    void haproxyIsAskedThroughItsBackendsServerAndRefusesToGuessWhenItCannotBeAsked() {
        DesiredState state = state(new BalancerSpec.Haproxy(Path.of("haproxy.sock"), "app"), Optional.empty());
        Balancer balancer = Balancers.of(state);

        assertThat(balancer).isInstanceOf(HaproxyBalancer.class);
        assertThat(words(state, balancer)).containsExactly(
                "drain in HAProxy (app/web-1 state drain)",
                "wait until HAProxy has it drained with no session left (at most 30s)",
                "set it ready in HAProxy (app/web-1 state ready)",
                "wait until HAProxy reports it UP (at most 14s)");
        assertThat(balancer.refusalWhenUnreadable("connection refused")).hasValueSatisfying(
                reason -> assertThat(reason).startsWith("HAProxy cannot be asked (connection refused): "));
        BalancerTiming timing = balancer.timing(state.health(), state.rollout());
        assertThat(timing.settleAfterDrained()).isZero();
        assertThat(timing.settleAfterInRotation()).isZero();
    }

    @Test
    void aHealthCheckBalancerIsWaitedOutFromWhatTheAppsHealthShows() {
        DesiredState state = state(new BalancerSpec.HealthCheck(Duration.ofSeconds(10), 3, 5), Optional.empty());
        Balancer balancer = Balancers.of(state);

        assertThat(balancer).isInstanceOf(HealthCheckBalancer.class);
        assertThat(words(state, balancer)).containsExactly(
                "call the drain endpoint (GET /shutdown)",
                "wait until its health fails, then 40s for the balancer to drop it (at most 30s)",
                "let the balancer's checks bring it back",
                "wait until 60s after it turned healthy, for the balancer to send it traffic (checking it every 1s;"
                        + " a failed check starts the wait again)");
        assertThat(balancer.refusalWhenUnreadable("anything")).isEmpty();
    }

    @Test
    void aDnsNameDrainsByItsRecordsAndWaitsTheirTtl() {
        DnsSpec dns = new DnsSpec(DnsSpec.Provider.POWERDNS, "www.lab.test", URI.create("http://127.0.0.1:8081"),
                "lab.test.", "localhost", new Secret("token"), "env FLEET_DNS_TOKEN", Duration.ofSeconds(5), Duration.ofSeconds(5),
                2, 2, 80);
        DesiredState state = state(new BalancerSpec.Dns(dns.ttl()), Optional.of(dns));
        Balancer balancer = Balancers.of(state);

        assertThat(balancer).isInstanceOf(DnsBalancer.class);
        assertThat(words(state, balancer)).containsExactly(
                "take its addresses out of www.lab.test and call the drain endpoint (GET /shutdown)",
                "wait until www.lab.test no longer lists it, then its TTL (5s) for resolvers to forget it (at most 30s)",
                "put its addresses back in www.lab.test",
                "wait until www.lab.test lists it again (at most 14s)");
        assertThat(balancer.timing(state.health(), state.rollout()).settleAfterDrained()).isEqualTo(Duration.ofSeconds(5));
        assertThat(balancer.refusalWhenUnreadable("401")).hasValueSatisfying(
                reason -> assertThat(reason).startsWith("the DNS name cannot be read (401): "));
    }

    @Test
    void aCloudsBalancerIsChangedThroughItsApiAndItsReturnIsTheBalancersOwnHealthCheckTime() {
        BalancerSpec.Cloud cloud = new BalancerSpec.Cloud(CloudProvider.DIGITALOCEAN,
                "4de7ac8b-495b-4884-9a69-1050c6793cd6", URI.create("https://api.digitalocean.com"), new Secret("token"),
                "FLEET_SECRET_DO_TOKEN", Duration.ofSeconds(15), Map.of("d1", 3164444L));
        DesiredState state = state(cloud, Optional.empty());
        Balancer balancer = Balancers.of(state);

        assertThat(balancer).isInstanceOf(CloudBalancer.class);
        assertThat(words(state, balancer)).containsExactly(
                "remove droplet 3164444 from the DigitalOcean load balancer",
                "wait until the DigitalOcean load balancer no longer lists it, then 15s for its requests in flight"
                        + " (balancer.drain-wait; at most 30s)",
                "add droplet 3164444 back to the DigitalOcean load balancer",
                "wait its health check's interval x (healthy threshold + 1), as its API states them, from when it is"
                        + " added, the app passing its checks every 1s (the API reports no droplet's health; at most 14s)");
        BalancerTiming timing = balancer.timing(state.health(), state.rollout());
        assertThat(timing.settleAfterDrained()).isEqualTo(Duration.ofSeconds(15));
        assertThat(timing.settleAfterInRotation()).isZero();
        assertThat(balancer.refusalWhenUnreadable("HTTP 401")).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("the DigitalOcean load balancer cannot be used (HTTP 401): ")
                .contains("FLEET_SECRET_DO_TOKEN"));
    }

    @Test
    void withoutABalancerNothingCanBeDrained() {
        DesiredState state = state(new BalancerSpec.None(), Optional.empty());

        assertThat(Balancers.of(state)).isInstanceOf(NoBalancer.class);
        assertThat(Balancers.of(state).timing(state.health(), state.rollout()).settleAfterDrained()).isZero();
    }

    private static List<String> words(DesiredState state, Balancer balancer) {
        return List.of(DRAIN, DRAINED, UNDRAIN, BACK).stream().map(step -> StepText.describe(step, state, balancer))
                .toList();
    }

    private static DesiredState state(BalancerSpec balancer, Optional<DnsSpec> dns) {
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.of("a".repeat(40)), false),
                new ServiceSpec("demo", new ImageRef("registry/demo", "sha256:" + "1".repeat(64)), List.of(), Map.of(),
                        "always", Map.of()),
                List.of(new DropletSpec("d1", "127.0.0.1", 22, "deploy", Optional.empty(), Optional.of("web-1"), List.of("127.0.0.1"))),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(), new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3,
                        Duration.ofSeconds(1)), new DrainSpec("/shutdown", "GET", 80), balancer,
                new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60)), Optional.empty(), dns);
    }
}
