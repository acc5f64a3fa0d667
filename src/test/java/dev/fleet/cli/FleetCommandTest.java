package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

@QuarkusMainTest
class FleetCommandTest {

    @Test
    @Launch("--version")
    void versionPrintsTheProjectVersion(LaunchResult result) {
        // The build passes the pom's version, so this test outlives version bumps.
        assertThat(result.getOutput()).isEqualTo("fleet " + System.getProperty("project.version"));
        assertThat(result.getErrorOutput()).isEmpty();
    }

    @Test
    @Launch("--help")
    void helpPrintsUsageDescriptionAndExitCodesToStdout(LaunchResult result) {
        assertThat(result.getOutput())
                .startsWith("Usage: fleet ")
                .contains("it reports drift and rolls changes out one")
                .contains("Exit codes:")
                .containsPattern("(?m)^ +0 +Success\\.$")
                .containsPattern("(?m)^ +1 +Could not run \\(bad input or usage\\)\\.$");
        assertThat(result.getErrorOutput()).isEmpty();
    }

    @Test
    @Launch(value = "--frobnicate", exitCode = 1)
    void unknownOptionFailsNamingTheOption(LaunchResult result) {
        assertThat(result.getErrorOutput())
                .contains("Unknown option: '--frobnicate'")
                .contains("Try 'fleet --help' for more information.");
        assertThat(result.getOutput()).isEmpty();
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void noCommandPrintsUsageToStderrAndFails(LaunchResult result) {
        assertThat(result.getErrorOutput()).startsWith("Usage: fleet ");
        assertThat(result.getOutput()).isEmpty();
    }

    @Test
    @Launch(value = "--frob\u001b[2J\u001b]0;title\u0007nicate", exitCode = 1)
    void anUnknownOptionsControlCharactersAreShownNotSentToTheTerminal(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("Unknown option: '--frob\\x1b[2J\\x1b]0;title\\x07nicate'")
                .doesNotContain("\u001b").doesNotContain("\u0007");
    }
}
