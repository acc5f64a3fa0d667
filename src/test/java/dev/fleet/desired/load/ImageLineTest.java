package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleet.desired.InvalidStateException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageLineTest {

    private static final Path FILE = Path.of("fleet.yaml");
    private static final String OLD = "registry.example.com/team/demo@sha256:" + "4f".repeat(32);
    private static final String NEW = "registry.example.com/team/demo@sha256:" + "9b".repeat(32);
    private static final String STATE = """
            # The fleet \uD83D\uDEA2 of demo: comments, anchors and quotes around the image line stay.
            defaults: &defaults
              user: ops   # who logs in
            service:
              name: demo
              # the image, by digest
              image:   %s   # pinned by set-image
              environment: {A: "1"}
            droplets:
              - name: droplet-1
                host: 203.0.113.10
                image: '%s'
              - name: droplet-2
                host: 203.0.113.11
            """;

    private static String state(String service, String droplet) {
        return STATE.formatted(service, droplet);
    }

    @Test
    void replacingServiceImageChangesOnlyThatValueByteForByte() throws InvalidStateException {
        String text = state(OLD, OLD);
        ImageLine line = ImageLine.in(FILE, text, Optional.empty());

        String edited = line.replacedWith(NEW);

        assertThat(line.current()).isEqualTo(OLD);
        assertThat(line.where()).isEqualTo("service.image");
        assertThat(line.service()).contains("demo");
        assertThat(edited).isEqualTo(state(NEW, OLD));
        line.check(edited, NEW);
    }

    @Test
    void aDropletsOwnImageIsReplacedInsideItsQuotes() throws InvalidStateException {
        ImageLine line = ImageLine.in(FILE, state(OLD, OLD), Optional.of("droplet-1"));

        assertThat(line.where()).isEqualTo("droplets[0].image");
        assertThat(line.replacedWith(NEW)).isEqualTo(state(OLD, NEW));
    }

    @Test
    void aDropletWithoutAnImageOfItsOwnIsRefusedWithWhatToDo() {
        InvalidStateException e = catchThrowableOfType(InvalidStateException.class,
                () -> ImageLine.in(FILE, state(OLD, OLD), Optional.of("droplet-2")));

        assertThat(e.getMessage()).contains("fleet.yaml:13:")
                .contains("droplet droplet-2 has no image of its own").contains("leave out --droplet");
    }

    @Test
    void anUnknownDropletIsRefusedListingTheDroplets() {
        InvalidStateException e = catchThrowableOfType(InvalidStateException.class,
                () -> ImageLine.in(FILE, state(OLD, OLD), Optional.of("droplet-9")));

        assertThat(e.getMessage()).contains("no droplet is named droplet-9").contains("droplet-1, droplet-2");
    }

    @Test
    void anAliasedImageIsRefusedAsShared() {
        String text = "images:\n  current: &current " + OLD + "\nservice:\n  name: demo\n  image: *current\n";

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class,
                () -> ImageLine.in(FILE, text, Optional.empty()));

        assertThat(e.getMessage()).contains("service.image: is an anchor (&current) or an alias (*current)")
                .contains("write the image out on this line");
    }

    @Test
    void anAnchoredImageIsRefusedToo() {
        String text = "service:\n  name: demo\n  image: &img " + OLD + "\nother: *img\n";

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class,
                () -> ImageLine.in(FILE, text, Optional.empty()));

        assertThat(e.getMessage()).contains("fleet.yaml:3:").contains("is an anchor (&img)");
    }

    @Test
    void aBrokenFileIsRefusedWithItsPosition() {
        InvalidStateException e = catchThrowableOfType(InvalidStateException.class,
                () -> ImageLine.in(FILE, "service:\n  image: [unclosed\n", Optional.empty()));

        assertThat(e.getMessage()).contains("fleet.yaml:").contains("YAML syntax error");
    }

    @Test
    void anEditThatIsNoValidDigestReferenceFailsTheCheck() throws InvalidStateException {
        ImageLine line = ImageLine.in(FILE, state(OLD, OLD), Optional.empty());
        String bad = "registry.example.com/team/demo:v2";

        InvalidStateException e = catchThrowableOfType(InvalidStateException.class,
                () -> line.check(line.replacedWith(bad), bad));

        assertThat(e.getMessage()).contains("fleet.yaml:7:").contains("pinned by tag, not by digest");
    }
}
