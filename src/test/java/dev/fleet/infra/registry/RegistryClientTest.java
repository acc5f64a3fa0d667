package dev.fleet.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleet.desired.RegistryCredentials;
import dev.fleet.desired.Secret;
import dev.fleet.desired.pin.ImageName;
import dev.fleet.desired.pin.ImagePinException;
import dev.fleet.desired.pin.ImagePinException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryClientTest {

    private static final String IMAGE_MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"" + FakeRegistry.MANIFEST
            + "\",\"config\":{}}";
    private static final String INDEX = "{\"schemaVersion\":2,\"mediaType\":\"" + FakeRegistry.INDEX
            + "\",\"manifests\":[{\"platform\":{\"architecture\":\"amd64\"}},{\"platform\":{\"architecture\":\"arm64\"}}]}";

    private FakeRegistry registry;
    private final RegistryClient client = new RegistryClient();

    @BeforeEach
    void start() throws IOException {
        registry = new FakeRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Optional<RegistryCredentials> login(String password) {
        return Optional.of(new RegistryCredentials(registry.host(), "deploy", new Secret(password)));
    }

    private String resolve(String image, Optional<RegistryCredentials> login) throws Exception {
        return client.digestOf(ImageName.parse(registry.host() + "/" + image), login, false);
    }

    @Test
    void aTagResolvesToTheDigestTheRegistryGivesForIt() throws Exception {
        String digest = registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        assertThat(resolve("team/demo:v2", Optional.empty())).isEqualTo(digest);
        assertThat(registry.requests).containsExactly("HEAD /v2/team/demo/manifests/v2 null");
    }

    @Test
    void aMultiPlatformTagResolvesToItsIndexDigest() throws Exception {
        String index = registry.push("team/demo", "v2", FakeRegistry.INDEX, INDEX);

        assertThat(resolve("team/demo:v2", Optional.empty())).isEqualTo(index);
    }

    @Test
    void withoutADigestHeaderTheDigestIsTheSha256OfTheManifestsBytes() throws Exception {
        registry.digestHeader = false;
        String digest = registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        assertThat(resolve("team/demo:v2", Optional.empty())).isEqualTo(digest);
        assertThat(registry.requests).extracting(r -> r.split(" ")[0]).containsExactly("HEAD", "GET");
    }

    @Test
    void aRegistryThatRefusesHeadIsAskedWithGet() throws Exception {
        registry.headAllowed = false;
        String digest = registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        assertThat(resolve("team/demo:v2", Optional.empty())).isEqualTo(digest);
    }

    @Test
    void anUnknownTagIsNotFoundInTheRegistry() {
        registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        ImagePinException e = catchThrowableOfType(ImagePinException.class, () -> resolve("team/demo:v3",
                Optional.empty()));

        assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(e.getMessage()).contains("tag not found in registry").contains("team/demo:v3");
    }

    @Test
    void aRegistryThatIsDownIsNamedWithWhatToDo() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        ImagePinException e = catchThrowableOfType(ImagePinException.class, () -> client.digestOf(
                ImageName.parse("127.0.0.1:" + closed + "/team/demo:v2"), Optional.empty(), false));

        assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(e.getMessage()).contains("127.0.0.1:" + closed).contains("could not be reached");
        assertThat(e.hint()).contains("check that the registry is up");
    }

    @Test
    void basicLoginSendsTheStatesCredentials() throws Exception {
        registry.login = FakeRegistry.Login.BASIC;
        String digest = registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        assertThat(resolve("team/demo:v2", login(registry.password))).isEqualTo(digest);
        assertThat(registry.requests).hasSize(2).last().asString().startsWith("HEAD /v2/team/demo/manifests/v2 Basic ");
    }

    @Test
    void wrongCredentialsAreRefusedNamingTheUserAndNeverThePassword() {
        registry.login = FakeRegistry.Login.BASIC;
        registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        ImagePinException e = catchThrowableOfType(ImagePinException.class, () -> resolve("team/demo:v2",
                login("wrong-password-sentinel")));

        assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS_REFUSED);
        assertThat(e.getMessage()).contains("refused the credentials of registry.username deploy")
                .doesNotContain("wrong-password-sentinel");
        assertThat(e.hint()).doesNotContain("wrong-password-sentinel");
    }

    @Test
    void wrongCredentialsAreRefusedByTheTokenService() {
        registry.login = FakeRegistry.Login.BEARER;
        registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        ImagePinException e = catchThrowableOfType(ImagePinException.class, () -> resolve("team/demo:v2",
                login("wrong-password-sentinel")));

        assertThat(e.reason()).isEqualTo(Reason.CREDENTIALS_REFUSED);
        assertThat(e.getMessage()).doesNotContain("wrong-password-sentinel").doesNotContain(FakeRegistry.TOKEN);
    }

    @Test
    void bearerLoginFetchesATokenWithTheCredentialsAndRetries() throws Exception {
        registry.login = FakeRegistry.Login.BEARER;
        String digest = registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        assertThat(resolve("team/demo:v2", login(registry.password))).isEqualTo(digest);
        assertThat(registry.requests).hasSize(3);
        assertThat(registry.requests.get(1)).startsWith("TOKEN service=fake-registry&scope=repository:team/demo:pull Basic ");
        assertThat(registry.requests.get(2)).isEqualTo("HEAD /v2/team/demo/manifests/v2 Bearer " + FakeRegistry.TOKEN);
    }

    @Test
    void aPublicImageBehindBearerIsReadWithAnAnonymousToken() throws Exception {
        registry.login = FakeRegistry.Login.BEARER;
        registry.publicRead = true;
        String digest = registry.push("library/nginx", "1.27", FakeRegistry.INDEX, INDEX);

        assertThat(resolve("library/nginx:1.27", Optional.empty())).isEqualTo(digest);
        assertThat(registry.requests.get(1)).endsWith(" null");
    }

    @Test
    void aPrivateImageWithoutCredentialsSaysTheStateHasNone() {
        registry.login = FakeRegistry.Login.BEARER;
        registry.push("team/demo", "v2", FakeRegistry.MANIFEST, IMAGE_MANIFEST);

        ImagePinException e = catchThrowableOfType(ImagePinException.class, () -> resolve("team/demo:v2",
                Optional.empty()));

        assertThat(e.reason()).isEqualTo(Reason.NEEDS_CREDENTIALS);
        assertThat(e.hint()).contains("add a registry section for " + registry.host());
    }
}
