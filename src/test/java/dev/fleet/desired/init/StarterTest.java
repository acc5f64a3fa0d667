package dev.fleet.desired.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.load.StateLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** What fleet init makes of its flags, and the files it writes from them. */
class StarterTest {

    private static final String IMAGE =
            "registry.example.com/team/demo@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
    private static final HostKey KEY = new HostKey("ssh-ed25519", "SHA256:abc", "AAAAC3NzaC1lZDI1NTE5AAAAIStub");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "web-1=203.0.113.10|web-1|203.0.113.10|22",
        "web-2=web2.example.com:2222|web-2|web2.example.com|2222",
        "v6=[2001:db8::1]:2200|v6|2001:db8::1|2200",
        " v6b=[2001:db8::2] |v6b|2001:db8::2|22"})
    void readsADropletAsNameEqualsHostAndPort(String text, String name, String host, int port) {
        assertThat(DropletAddress.parse(text)).isEqualTo(new DropletAddress(name, host, port));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "203.0.113.10|expected NAME=HOST[:PORT]",
        "=203.0.113.10|expected NAME=HOST[:PORT]",
        "web-1=|the host is missing",
        "web-1=host:ssh|the port 'ssh' is not a number",
        "web-1=host:70000|port 70000 is not 1-65535",
        "web-1=host:0|port 0 is not 1-65535",
        "Web_1=host|droplet name 'Web_1': lowercase letters",
        "web-1=-oProxyCommand|is not a host name or an IP address",
        "web-1=deploy@host|is not a host name or an IP address",
        "web-1=2001:db8::1|expected NAME=HOST[:PORT]"})
    void refusesAMalformedDropletSayingWhatIsExpected(String text, String message) {
        assertThatThrownBy(() -> DropletAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesAnImageByTagPointingToItsDigest() {
        assertThatThrownBy(() -> StarterState.checkImage("registry.example.com/team/demo:v2"))
                .hasMessageContaining("not pinned by digest")
                .hasMessageContaining("docker buildx imagetools inspect registry.example.com/team/demo:v2");
        assertThatThrownBy(() -> StarterState.checkImage("demo:v2@sha256:abc")).hasMessageContaining("64 lowercase hex");
    }

    @Test
    void refusesTwoDropletsOfOneNameOrOneAddress() {
        assertThatThrownBy(() -> state(StarterState.Balancer.HAPROXY, "a=h1", "a=h2")).hasMessageContaining("same name");
        assertThatThrownBy(() -> state(StarterState.Balancer.HAPROXY, "a=h1", "b=h1:22")).hasMessageContaining(
                "same host and port");
    }

    @Test
    void knowsTheBalancerKindsTheStateHas() {
        assertThat(StarterState.Balancer.of("health-check")).isEqualTo(StarterState.Balancer.HEALTH_CHECK);
        assertThatThrownBy(() -> StarterState.Balancer.of("dns")).hasMessageContaining("add the dns section by hand");
        assertThatThrownBy(() -> StarterState.Balancer.of("nginx")).hasMessageContaining("haproxy, health-check or none");
    }

    @ParameterizedTest
    @EnumSource(StarterState.Balancer.class)
    void theWrittenStateValidates(StarterState.Balancer balancer) throws Exception {
        StarterState state = state(balancer, "web-1=203.0.113.10", "web-2=web2.example.com:2222", "v6=[2001:db8::1]");

        List<Path> written = StarterWriter.write(dir, StarterFiles.fleetYaml(state), StarterFiles.knownHosts(keys(state)),
                false);

        StateLoader.Checked checked = StateLoader.offline(Map.of()).check(dir.resolve("fleet.yaml"));
        assertThat(checked.droplets()).containsExactly("web-1", "web-2", "v6");
        assertThat(checked.image().reference()).isEqualTo(IMAGE);
        assertThat(checked.balancer()).isEqualTo(balancer.kind());
        assertThat(written).containsExactly(dir.resolve("fleet.yaml"), dir.resolve("known_hosts"));
        assertThat(Files.readString(dir.resolve("fleet.yaml"))).contains("fleet-state/example.yaml")
                .contains("name: demo");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left").hasSize(2);
        }
    }

    @Test
    void knownHostsHasOneOpenSshLinePerKeyWithThePortOnlyWhenNot22() {
        StarterState state = state(StarterState.Balancer.HAPROXY, "a=203.0.113.10", "b=h.example.com:2222");

        assertThat(StarterFiles.knownHosts(keys(state)).lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "203.0.113.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStub",
                "[h.example.com]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStub");
    }

    @Test
    void anIdentityFileIsWrittenAndQuotedWhenItMustBe() throws Exception {
        StarterState state = new StarterState("demo", IMAGE, List.of(DropletAddress.parse("a=h")),
                StarterState.Balancer.HAPROXY, "ops", Optional.of("~/keys/my key"));

        assertThat(StarterFiles.fleetYaml(state)).contains("identity-file: \"~/keys/my key\"").contains("user: ops");
        StarterWriter.write(dir, StarterFiles.fleetYaml(state), "", false);
        assertThat(StateLoader.offline(Map.of()).check(dir.resolve("fleet.yaml")).droplets()).containsExactly("a");
    }

    @Test
    void neverReplacesAFileWithoutForce() throws Exception {
        Files.writeString(dir.resolve("known_hosts"), "mine\n");
        StarterState state = state(StarterState.Balancer.HAPROXY, "a=h");

        assertThatThrownBy(() -> StarterWriter.write(dir, StarterFiles.fleetYaml(state), "new\n", false))
                .isInstanceOf(StarterWriter.Refused.class).hasMessageContaining("known_hosts exists; nothing written");
        assertThat(dir.resolve("fleet.yaml")).doesNotExist();
        assertThat(dir.resolve("known_hosts")).hasContent("mine");

        StarterWriter.write(dir, StarterFiles.fleetYaml(state), "new\n", true);
        assertThat(dir.resolve("known_hosts")).hasContent("new");
    }

    @Test
    void theServiceIsNamedAfterTheImagesRepository() {
        assertThat(StarterState.serviceNameOf(IMAGE)).isEqualTo("demo");
        assertThat(StarterState.serviceNameOf("localhost:5000/api@sha256:x")).isEqualTo("api");
    }

    private static StarterState state(StarterState.Balancer balancer, String... droplets) {
        return new StarterState("demo", IMAGE, List.of(droplets).stream().map(DropletAddress::parse).toList(), balancer,
                "deploy", Optional.empty());
    }

    private static Map<DropletAddress, List<HostKey>> keys(StarterState state) {
        Map<DropletAddress, List<HostKey>> keys = new LinkedHashMap<>();
        state.droplets().forEach(d -> keys.put(d, List.of(KEY)));
        return keys;
    }
}
