package dev.fleet.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.Hooks;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Placement;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.ServiceRole;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import dev.fleet.streams.Targets.UnknownTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetsTest {

    private static final ServiceSpec WEB = new ServiceSpec("web", new ImageRef("registry/web", "sha256:" + "a".repeat(64)),
            List.of(), Map.of(), "always", Map.of());
    private static final ServiceSpec WORKER = new ServiceSpec("worker", WEB.image(), WEB.container(), ServiceRole.WORKER,
            Placement.EVERYWHERE, ServiceSpec.DEFAULT_MIN_UPTIME, Hooks.NONE);

    @Test
    void anUnknownDropletIsRefusedNamingTheStatesDroplets() throws UnknownTarget {
        assertThatThrownBy(() -> Targets.droplet(state(WEB), "droplet-9")).isInstanceOf(UnknownTarget.class)
                .hasMessage("no droplet named droplet-9 in fleet.yaml; its droplets are droplet-1, droplet-2");
        assertThat(Targets.droplet(state(WEB), "droplet-2").name()).isEqualTo("droplet-2");
    }

    @Test
    void noDropletNamedMeansEveryDropletAndOneUnknownRefusesAll() throws UnknownTarget {
        assertThat(Targets.droplets(state(WEB), List.of())).isEqualTo(state(WEB).droplets());
        assertThat(Targets.droplets(state(WEB), List.of("droplet-2"))).extracting(DropletSpec::name)
                .containsExactly("droplet-2");
        assertThatThrownBy(() -> Targets.droplets(state(WEB), List.of("droplet-1", "nope")))
                .hasMessageStartingWith("no droplet named nope in fleet.yaml");
    }

    @Test
    void theServiceDefaultsToTheOnlyOneAndMustBeNamedAmongSeveral() throws UnknownTarget {
        assertThat(Targets.service(state(WEB), Optional.empty())).isEqualTo(WEB);
        assertThatThrownBy(() -> Targets.service(state(WEB, WORKER), Optional.empty()))
                .hasMessage("the state runs 2 services: name one with --service (web, worker)");
        assertThat(Targets.service(state(WEB, WORKER), Optional.of("worker"))).isEqualTo(WORKER);
        assertThatThrownBy(() -> Targets.service(state(WEB, WORKER), Optional.of("db")))
                .hasMessage("no service named db in fleet.yaml; its services are web, worker");
    }

    private static DesiredState state(ServiceSpec... services) {
        return new DesiredState(Path.of("fleet.yaml"), new Revision(Optional.empty(), false), WEB,
                List.of(droplet("droplet-1"), droplet("droplet-2")),
                new SshSettings(Path.of("id"), Path.of("known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                Optional.empty(), new HealthSpec("/health", 80, 200, List.of(), Duration.ofSeconds(2), 3,
                        Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", 80), new BalancerSpec.HealthCheck(Duration.ofSeconds(1), 2, 3),
                new RolloutPolicy(1, true, Duration.ofSeconds(10), Duration.ofSeconds(60)), Optional.empty(),
                Optional.empty(), List.of(services));
    }

    private static DropletSpec droplet(String name) {
        return new DropletSpec(name, "127.0.0.1", 22, "deploy", Optional.empty(), Optional.empty(), List.of(),
                Map.of(), List.of());
    }
}
