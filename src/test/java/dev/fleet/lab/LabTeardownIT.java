package dev.fleet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code lab down} is trusted to clean up, also after crashed runs, so it must leave nothing behind. */
class LabTeardownIT {

    @Test
    void labDownLeavesNoContainerVolumeNetworkOrProcessBehind() {
        Lab lab = Lab.up(uniqueName("teardown"), labDir("teardown"), 1);
        try {
            assertThat(lab.leftovers()).isNotEmpty();
        } finally {
            lab.down();
        }
        assertThat(lab.leftovers()).isEmpty();
    }

    @Test
    void labDownCleansUpAfterARunWhoseFilesAreGone() throws IOException {
        Lab lab = Lab.up(uniqueName("crashed"), labDir("crashed"), 1);
        try {
            // What a crash followed by "mvn clean" leaves: processes and Docker objects, no pid files.
            deleteRecursively(lab.dir());
            assertThat(lab.leftovers()).isNotEmpty();
        } finally {
            lab.down();
        }
        assertThat(lab.leftovers()).isEmpty();
    }

    private static String uniqueName(String purpose) {
        return "fleet-it-" + purpose + "-" + ProcessHandle.current().pid();
    }

    private static Path labDir(String purpose) {
        return Path.of("target", "lab-it", uniqueName(purpose)).toAbsolutePath();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
