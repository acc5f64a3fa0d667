package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.InvalidStateException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImagePinsTest {

    @Test
    void readsTheServiceImageAndEachDropletsOwn() throws Exception {
        ImagePins pins = ImagePins.read("""
                service:
                  name: demo
                  image: reg/demo@sha256:1   # a comment
                droplets:
                  - name: droplet-1
                    host: a
                  - {name: droplet-2, host: b, image: "reg/demo@sha256:2"}
                """, "fleet.yaml");

        assertThat(pins.service()).contains("reg/demo@sha256:1");
        assertThat(pins.imageOf("droplet-1")).contains("reg/demo@sha256:1");
        assertThat(pins.imageOf("droplet-2")).contains("reg/demo@sha256:2");
        assertThat(pins.droplets()).containsOnlyKeys("droplet-1", "droplet-2");
    }

    @Test
    void keysItDoesNotKnowAreNotItsConcern() throws Exception {
        ImagePins pins = ImagePins.read("service: {image: x, future-key: 1}\nsomething-else: []\n", "fleet.yaml");

        assertThat(pins.service()).contains("x");
        assertThat(pins.imageOf("droplet-9")).contains("x");
    }

    @Test
    void aTextWithoutImagesHasNone() throws Exception {
        assertThat(ImagePins.read("service: {name: demo}\n", "f").service()).isEqualTo(Optional.empty());
    }

    @Test
    void brokenYamlIsAnInvalidStateWithItsPosition() {
        assertThatThrownBy(() -> ImagePins.read("service:\n  image: [\n", "fleet.yaml at 1a2b"))
                .isInstanceOf(InvalidStateException.class).hasMessageContaining("fleet.yaml at 1a2b:");
    }
}
