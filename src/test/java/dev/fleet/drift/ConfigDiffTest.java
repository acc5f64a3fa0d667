package dev.fleet.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LogSettings;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.Secret;
import dev.fleet.desired.VolumeMount;
import dev.fleet.observed.ImageDefaults;
import dev.fleet.observed.ObservedConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {

    private static final String TOKEN = "s3cret-token-value";
    private static final ImageDefaults IMAGE = new ImageDefaults(Map.of("PATH", "/usr/bin"), List.of(),
            List.of("/demo-app"), "", "", "", Map.of("org.opencontainers.image.version", "v1"));

    /** What the state wants, in the settings the tests vary. */
    private static ContainerSettings desired(Map<String, EnvValue> environment, List<PortMapping> ports, String restart) {
        return new ContainerSettings(ports, environment, restart, Map.of("team", "web"));
    }

    /** A container exactly as fleet creates it from {@code settings}, with what Docker and the image add. */
    private static ObservedConfig created(ContainerSettings settings) {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("PATH", observed("/usr/bin"));
        settings.environment().forEach((name, value) -> environment.put(name, observed(switch (value) {
            case EnvValue.Plain plain -> plain.value();
            case EnvValue.SecretValue secret -> secret.value().reveal();
        })));
        Map<String, String> labels = new LinkedHashMap<>(IMAGE.labels());
        labels.putAll(settings.labels());
        return new ObservedConfig(new ContainerSettings(settings.ports(), environment, settings.restart(), labels,
                Optional.of(settings.command().orElse(settings.entrypoint().isPresent() ? List.of() : IMAGE.command())),
                Optional.of(settings.entrypoint().orElse(IMAGE.entrypoint())), settings.volumes(),
                settings.networks().isEmpty() ? List.of("bridge") : settings.networks(), settings.user(),
                settings.workingDir(), settings.log(), settings.limits(), settings.stopSignal(), settings.stopGrace(),
                settings.extraHosts(), settings.init()), IMAGE);
    }

    private static EnvValue observed(String value) {
        return new EnvValue.SecretValue(new Secret(value), "the container on the droplet");
    }

    private static EnvValue secret(String value) {
        return new EnvValue.SecretValue(new Secret(value), "env FLEET_SECRET_API_TOKEN");
    }

    private static final PortMapping HTTP = new PortMapping(Optional.empty(), 80, 80, "tcp");

    @Test
    void aContainerCreatedFromTheStateHasNoDifferenceThoughDockerAndTheImageAddedTheirs() {
        ContainerSettings settings = desired(Map.of("API_TOKEN", secret(TOKEN), "LOG_LEVEL", new EnvValue.Plain("info")),
                List.of(HTTP), "always");

        assertThat(ConfigDiff.differences(settings, created(settings))).isEmpty();
    }

    @Test
    void aRotatedSecretIsNamedAndItsValuesAreNeverWritten() {
        ContainerSettings before = desired(Map.of("API_TOKEN", secret(TOKEN)), List.of(HTTP), "always");
        ContainerSettings after = desired(Map.of("API_TOKEN", secret("rotated-value")), List.of(HTTP), "always");

        List<String> differences = ConfigDiff.differences(after, created(before));

        assertThat(differences).containsExactly("environment.API_TOKEN changed");
        assertThat(String.join(" ", differences)).doesNotContain(TOKEN).doesNotContain("rotated-value")
                .doesNotContain(Integer.toHexString(TOKEN.hashCode()));
    }

    @Test
    void variablesAddedAndRemovedSayWhichWay() {
        ContainerSettings before = desired(Map.of("OLD", new EnvValue.Plain("1")), List.of(HTTP), "always");
        ContainerSettings after = desired(Map.of("NEW", new EnvValue.Plain("2")), List.of(HTTP), "always");

        assertThat(ConfigDiff.differences(after, created(before)))
                .containsExactly("environment.NEW added", "environment.OLD removed");
    }

    @Test
    void anImageVariableTheStateDoesNotMentionIsNotDriftUnlessItsValueWasChanged() {
        ContainerSettings settings = desired(Map.of(), List.of(HTTP), "always");
        ObservedConfig changedByHand = created(desired(Map.of("PATH", new EnvValue.Plain("/tmp")), List.of(HTTP),
                "always"));

        assertThat(ConfigDiff.differences(settings, created(settings))).isEmpty();
        assertThat(ConfigDiff.differences(settings, changedByHand)).containsExactly("environment.PATH changed");
    }

    @Test
    void portsRestartAndLabelsAreNamedWithTheirValues() {
        ContainerSettings before = desired(Map.of(), List.of(HTTP), "always");
        ContainerSettings after = new ContainerSettings(
                List.of(HTTP, new PortMapping(Optional.empty(), 8080, 8080, "tcp")), Map.of(), "unless-stopped",
                Map.of("team", "api"));

        assertThat(ConfigDiff.differences(after, created(before))).containsExactly(
                "ports: 8080:8080 added", "restart: always -> unless-stopped", "labels.team changed");
    }

    @Test
    void theFullSpecIsComparedKeyByKey() {
        ContainerSettings plain = desired(Map.of(), List.of(HTTP), "always");
        ContainerSettings full = new ContainerSettings(List.of(HTTP), Map.of(), "always", Map.of("team", "web"),
                Optional.of(List.of("--port", "80")), Optional.empty(),
                List.of(new VolumeMount("demo-data", "/var/lib/demo", false)), List.of("backend"),
                Optional.of("1000"), Optional.of("/srv"), new LogSettings("local", Map.of("max-size", "20m")),
                new Limits(Optional.of(512L * 1024 * 1024), Optional.of(1_500_000_000L), Optional.of(200L)),
                Optional.of("SIGQUIT"), Optional.of(Duration.ofSeconds(20)), List.of("db:10.0.0.5"), true);

        assertThat(ConfigDiff.differences(full, created(plain))).containsExactly(
                "command changed",
                "volumes: demo-data:/var/lib/demo added",
                "networks: backend added",
                "networks: bridge removed",
                "user: (none) -> 1000",
                "working-dir: (none) -> /srv",
                "log.driver: json-file -> local",
                "log.options.max-file: 3 -> (none)",
                "log.options.max-size: 10m -> 20m",
                "limits.memory: none -> 512m",
                "limits.cpus: none -> 1.5",
                "limits.pids: none -> 200",
                "stop-signal: (none) -> SIGQUIT",
                "stop-grace: 10s -> 20s",
                "extra-hosts: db:10.0.0.5 added",
                "init: false -> true");
        assertThat(ConfigDiff.differences(full, created(full))).isEmpty();
    }

    @Test
    void logRotationIsWantedByDefaultSoAContainerWithDockersDefaultLogDiffers() {
        ContainerSettings settings = desired(Map.of(), List.of(HTTP), "always");
        ContainerSettings dockerDefault = new ContainerSettings(List.of(HTTP), Map.of(), "always", Map.of("team", "web"),
                Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                new LogSettings("json-file", Map.of()), Limits.NONE, Optional.empty(), Optional.empty(), List.of(),
                false);

        assertThat(settings.log()).isEqualTo(LogSettings.DEFAULT);
        assertThat(ConfigDiff.differences(settings, created(dockerDefault)))
                .containsExactly("log.options.max-file: (none) -> 3", "log.options.max-size: (none) -> 10m");
    }

    @Test
    void anEntrypointOfTheStateClearsTheImagesCommandAsDockerDoes() {
        ContainerSettings settings = new ContainerSettings(List.of(HTTP), Map.of(), "always", Map.of("team", "web"),
                Optional.empty(), Optional.of(List.of("/other")), List.of(), List.of(), Optional.empty(),
                Optional.empty(), LogSettings.DEFAULT, Limits.NONE, Optional.empty(), Optional.empty(), List.of(),
                false);
        ContainerSettings running = created(settings).settings();
        ObservedConfig asDockerMadeIt = new ObservedConfig(new ContainerSettings(running.ports(),
                running.environment(), running.restart(), running.labels(), Optional.of(List.of()),
                Optional.of(List.of("/other")), running.volumes(), running.networks(), running.user(),
                running.workingDir(), running.log(), running.limits(), running.stopSignal(), running.stopGrace(),
                running.extraHosts(), running.init()), IMAGE);

        assertThat(ConfigDiff.differences(settings, asDockerMadeIt)).isEmpty();
    }

    @Test
    void aLabelOnlyTheImageGaveIsNotDriftButOneAddedByHandIs() {
        ContainerSettings settings = desired(Map.of(), List.of(HTTP), "always");
        ContainerSettings byHand = new ContainerSettings(List.of(HTTP), Map.of(), "always",
                Map.of("team", "web", "hand", "made"));

        assertThat(ConfigDiff.differences(settings, created(byHand))).containsExactly("labels.hand removed");
    }

    @Test
    void sizesAndCpusReadAsTheStateWritesThem() {
        assertThat(ConfigDiff.bytes(1024L * 1024 * 1024)).isEqualTo("1g");
        assertThat(ConfigDiff.bytes(6L * 1024 * 1024)).isEqualTo("6m");
        assertThat(ConfigDiff.bytes(1536)).isEqualTo("1536b");
        assertThat(ConfigDiff.bytes(2048)).isEqualTo("2k");
        assertThat(ConfigDiff.cpus(500_000_000L)).isEqualTo("0.5");
        assertThat(ConfigDiff.cpus(2_000_000_000L)).isEqualTo("2");
    }
}
