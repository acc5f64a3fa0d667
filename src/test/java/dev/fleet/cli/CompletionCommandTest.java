package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusMainTest
class CompletionCommandTest {

    @TempDir
    Path dir;

    @Test
    @Launch({"completion", "bash"})
    void bashCompletesCommandsAndTheirOptionsFromTheCommandModel(LaunchResult result) throws Exception {
        Path script = Files.writeString(dir.resolve("fleet.bash"), result.getOutput() + "\n");

        assertThat(complete(script, "fleet", "dr")).isEqualTo("drift");
        assertThat(complete(script, "fleet", "co")).isEqualTo("completion");
        assertThat(complete(script, "fleet", "apply", "--ye")).isEqualTo("--yes");
        assertThat(complete(script, "fleet", "drift", "--out")).isEqualTo("--output");
    }

    @Test
    @Launch({"completion", "zsh"})
    void zshGetsTheSameScriptWhichLoadsBashcompinit(LaunchResult result) {
        assertThat(result.getOutput()).contains("bashcompinit").contains("complete -F");
    }

    @Test
    @Launch(value = {"completion", "fish"}, exitCode = 1)
    void anotherShellIsAUsageError(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("no script for 'fish': bash or zsh");
        assertThat(result.getOutput()).isEmpty();
    }

    /** What bash's completion offers for {@code words} (the last one being typed), as one line. */
    static String complete(Path script, String... words) throws Exception {
        String line = "source " + script + "; COMP_WORDS=(" + String.join(" ", words) + "); COMP_CWORD="
                + (words.length - 1) + "; COMP_LINE=\"" + String.join(" ", words) + "\"; COMP_POINT=${#COMP_LINE}; "
                + "_complete_fleet; echo \"${COMPREPLY[*]}\"";
        Process bash = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", line)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
