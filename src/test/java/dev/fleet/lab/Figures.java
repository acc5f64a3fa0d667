package dev.fleet.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Figures a reliability test measured, written to {@code target/reliability/NAME.json} for
 * {@code deploy/lab/reliability} to print: what was run and injected, and what was seen.
 */
public final class Figures {

    private static final Path DIR = Path.of("target", "reliability");

    private Figures() {}

    public static void write(String name, Map<String, Object> figures) {
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(name + ".json"),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
