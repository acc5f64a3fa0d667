package dev.fleet.infra.droplet.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryDigestTest {

    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    @Test
    void aReferenceByDigestPinsItsDigest() {
        assertThat(RegistryDigest.pinned("registry.lab:5000/fleet-demo@" + A)).contains(A);
        assertThat(RegistryDigest.pinned("registry.lab:5000/fleet-demo:v1@" + A)).contains(A);
        assertThat(RegistryDigest.pinned("registry.lab:5000/fleet-demo:v1")).isEmpty();
        assertThat(RegistryDigest.pinned("repo@sha256:short")).isEmpty();
    }

    @Test
    void aTaggedReferenceTakesTheRepoDigestOfItsOwnRepository() {
        List<String> repoDigests = List.of("registry.other:5000/fleet-demo@" + B, "registry.lab:5000/fleet-demo@" + A);

        assertThat(RegistryDigest.fromRepoDigests("registry.lab:5000/fleet-demo:v1", repoDigests)).contains(A);
        assertThat(RegistryDigest.fromRepoDigests("registry.lab:5000/fleet-demo", repoDigests)).contains(A);
    }

    @Test
    void neverTakesAnotherRepositorysDigest() {
        assertThat(RegistryDigest.fromRepoDigests("registry.lab:5000/fleet-demo:v1",
                List.of("registry.other:5000/fleet-demo@" + B))).isEmpty();
        assertThat(RegistryDigest.fromRepoDigests("fleet-demo:v1", List.of())).isEmpty();
    }

    @Test
    void dockerHubNamesMatchInTheirShortAndLongForms() {
        assertThat(RegistryDigest.fromRepoDigests("docker.io/library/nginx:1.27", List.of("nginx@" + A))).contains(A);
        assertThat(RegistryDigest.fromRepoDigests("nginx", List.of("docker.io/library/nginx@" + A))).contains(A);
        assertThat(RegistryDigest.fromRepoDigests("acme/api:2", List.of("docker.io/acme/api@" + A))).contains(A);
        assertThat(RegistryDigest.fromRepoDigests("localhost/api:2", List.of("api@" + A))).isEmpty();
    }

    @Test
    void theRepositoryKeepsARegistryPortButNotTheTag() {
        assertThat(RegistryDigest.repository("registry.lab:5000/fleet-demo:v1")).isEqualTo("registry.lab:5000/fleet-demo");
        assertThat(RegistryDigest.repository("registry.lab:5000/fleet-demo")).isEqualTo("registry.lab:5000/fleet-demo");
        assertThat(RegistryDigest.repository("fleet-demo@" + A)).isEqualTo("fleet-demo");
    }

    @Test
    void containerNamesBecomeLiteralRegexes() {
        assertThat(ContainerReader.regexLiteral("demo")).isEqualTo("demo");
        assertThat(ContainerReader.regexLiteral("api.v2-x_y")).isEqualTo("api\\.v2-x_y");
    }
}
