package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class PrintableWriterTest {

    private static String through(String... writes) throws IOException {
        StringWriter out = new StringWriter();
        try (PrintableWriter writer = new PrintableWriter(out)) {
            for (String text : writes) {
                writer.write(text);
            }
        }
        return out.toString();
    }

    @Test
    void aForeignEscapeSequenceIsShownNotObeyed() throws IOException {
        assertThat(through("name \u001b[2J\u001b]0;pwned\u0007 end\n"))
                .isEqualTo("name \\x1b[2J\\x1b]0;pwned\\x07 end\n");
    }

    @Test
    void fleetsOwnColoursPassEvenWhenSplitAcrossWrites() throws IOException {
        assertThat(through("\u001b[3", "1mFAILED\u001b[0m ok\n")).isEqualTo("\u001b[31mFAILED\u001b[0m ok\n");
        assertThat(through("\u001b[1mbold\u001b[0m")).isEqualTo("\u001b[1mbold\u001b[0m");
    }

    @Test
    void otherSgrCodesThatCouldHideTextAreEscaped() throws IOException {
        assertThat(through("\u001b[8mhidden\u001b[0m")).isEqualTo("\\x1b[8mhidden\u001b[0m");
        assertThat(through("\u001b[1;40mx")).isEqualTo("\\x1b[1;40mx");
    }

    @Test
    void picocliHelpStylesPass() throws IOException {
        assertThat(through("\u001b[31m\u001b[1merror\u001b[21m\u001b[39m\u001b[0m \u001b[1;4mUsage\u001b[22;24m"))
                .isEqualTo("\u001b[31m\u001b[1merror\u001b[21m\u001b[39m\u001b[0m \u001b[1;4mUsage\u001b[22;24m");
    }

    @Test
    void aCarriageReturnCannotOverwriteALineNorBidiControlsReorderIt() throws IOException {
        assertThat(through("ok\rFAILED\u202eabc\u0085\n")).isEqualTo("ok\\rFAILED\\u202eabc\\u0085\n");
    }

    @Test
    void anEscapeLeftOpenAtTheEndIsShown() throws IOException {
        assertThat(through("tail \u001b[")).isEqualTo("tail \\x1b[");
    }

    @Test
    void tabsNewlinesAndOrdinaryTextPassUnchanged() throws IOException {
        assertThat(through("a\tb\nünïcode ✓ 日本\n")).isEqualTo("a\tb\nünïcode ✓ 日本\n");
    }
}
