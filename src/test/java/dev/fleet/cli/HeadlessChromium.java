package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's Chromium, headless, as the ITs use it to render fleet's pages. */
final class HeadlessChromium {

    private HeadlessChromium() {}

    /**
     * Runs Chromium on {@code args} and returns what it printed. The flags keep it off the network
     * (no background requests, no component updates) and out of the user's profile: a fresh one is
     * made under {@code temp}.
     */
    static String run(Path temp, String... args) throws IOException, InterruptedException {
        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(chromium).as("Debian's chromium package (.ci/run installs it)").isExecutable();
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory(temp, "chromium")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** Saves a picture of {@code url} as Chromium draws it, {@code size} ({@code 1280,1600}) wide and high. */
    static void screenshot(Path temp, Path png, String size, String url) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(temp, "--screenshot=" + png, "--window-size=" + size, url);
        assertThat(png).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("a real picture, not an empty file").isGreaterThan(10_000);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }
}
