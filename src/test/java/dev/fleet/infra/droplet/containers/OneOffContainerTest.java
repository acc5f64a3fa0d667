package dev.fleet.infra.droplet.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LogSettings;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.Secret;
import dev.fleet.desired.VolumeMount;
import dev.fleet.plan.ContainerSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OneOffContainerTest {

    @Test
    void aOneOffIsTheServicesContainerWithoutPortsNorRestartAndWithTheHooksCommand() {
        ContainerSettings service = new ContainerSettings(
                List.of(new PortMapping(Optional.empty(), 80, 80, "tcp")),
                Map.of("DB", new EnvValue.SecretValue(new Secret("pw-123456"), "env DB")), "always",
                Map.of("team", "web"), Optional.of(List.of("serve")), Optional.of(List.of("/app")),
                List.of(new VolumeMount("data", "/data", false)), List.of("backend", "metrics"), Optional.of("1000"),
                Optional.of("/srv"), LogSettings.DEFAULT, new Limits(Optional.of(256L << 20), Optional.empty(),
                        Optional.of(100L)), Optional.of("SIGINT"), Optional.of(Duration.ofSeconds(20)),
                List.of("db:10.0.0.5"), true);
        ContainerSpec spec = new ContainerSpec("web-pre-deploy", new ImageRef("registry/web", "sha256:" + "a".repeat(64)),
                service, Map.of("team", "web", "fleet.service", "web"));

        ContainerSpec oneOff = OneOffContainer.oneOff(spec, List.of("migrate", "--up"));

        assertThat(oneOff.name()).isEqualTo("web-pre-deploy");
        assertThat(oneOff.image()).isEqualTo(spec.image());
        assertThat(oneOff.labels()).isEqualTo(spec.labels());
        assertThat(oneOff.ports()).isEmpty();
        assertThat(oneOff.restart()).isEqualTo("no");
        assertThat(oneOff.settings().command()).contains(List.of("migrate", "--up"));
        assertThat(oneOff.settings()).isEqualTo(new ContainerSettings(List.of(), service.environment(), "no",
                service.labels(), Optional.of(List.of("migrate", "--up")), service.entrypoint(), service.volumes(),
                service.networks(), service.user(), service.workingDir(), service.log(), service.limits(),
                service.stopSignal(), service.stopGrace(), service.extraHosts(), service.init()));
    }
}
