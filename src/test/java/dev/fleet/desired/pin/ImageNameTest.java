package dev.fleet.desired.pin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageNameTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void aTaggedImageNamesItsRegistryRepositoryAndTag() throws ImagePinException {
        ImageName name = ImageName.parse("registry.example.com:5000/team/demo:v2");

        assertThat(name).isEqualTo(new ImageName("registry.example.com:5000/team/demo", "registry.example.com:5000",
                "team/demo", Optional.of("v2"), Optional.empty()));
        assertThat(name.at(DIGEST).reference()).isEqualTo("registry.example.com:5000/team/demo@" + DIGEST);
    }

    @Test
    void aDockerHubNameIsReadAtDockerHubsApiButWrittenAsGiven() throws ImagePinException {
        ImageName name = ImageName.parse("nginx:1.27");

        assertThat(name.registry()).isEqualTo("registry-1.docker.io");
        assertThat(name.path()).isEqualTo("library/nginx");
        assertThat(name.at(DIGEST).reference()).isEqualTo("nginx@" + DIGEST);
        assertThat(name.isServedBy("docker.io")).isTrue();
        assertThat(name.isServedBy("registry.example.com")).isFalse();
    }

    @Test
    void anImageByDigestNeedsNoTag() throws ImagePinException {
        ImageName name = ImageName.parse("localhost:5000/demo@" + DIGEST);

        assertThat(name.tag()).isEmpty();
        assertThat(name.digest()).contains(DIGEST);
        assertThat(name.registry()).isEqualTo("localhost:5000");
    }

    @Test
    void badImagesAreRefusedSayingWhy() {
        assertThat(bad("demo")).contains("neither a tag nor a digest").contains(":latest");
        assertThat(bad("demo:v2@" + DIGEST)).contains("both a tag and a digest");
        assertThat(bad("demo@sha256:abc")).contains("is not a digest");
        assertThat(bad("Team/Demo:v2")).contains("repository names are lowercase");
        assertThat(bad("demo:-v2")).contains("not a valid tag");
        assertThat(bad("demo :v2")).contains("whitespace");
    }

    private static String bad(String image) {
        ImagePinException e = catchThrowableOfType(ImagePinException.class, () -> ImageName.parse(image));
        assertThat(e.reason()).isEqualTo(ImagePinException.Reason.BAD_IMAGE);
        assertThat(e.hint()).contains("registry.example.com/team/app:v2");
        return e.getMessage();
    }
}
