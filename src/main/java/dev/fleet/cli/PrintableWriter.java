package dev.fleet.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.Set;

/**
 * What fleet writes to a terminal, with every control character that did not come from fleet made
 * visible: text from droplets, registries, the history or a state file (a container name, an error
 * detail) could otherwise move the cursor, clear the screen, retitle the window or hide a line
 * with a carriage return. A tab and a line feed pass; so do colour and text-style codes (SGR: reset,
 * bold, faint, italic, underline and their ends, foreground colours), which fleet's table and
 * picocli's help use and which can only colour text: not conceal, not a background. Everything else
 * becomes an escape a person can read ({@code \x1b}, {@code \r}, {@code \u202e}).
 */
final class PrintableWriter extends FilterWriter {

    /** SGR parameters that only style or colour text; any other escape sequence is neutralised. */
    private static final Set<String> STYLES = Set.of("", "0", "1", "2", "3", "4", "21", "22", "23", "24", "39",
            "30", "31", "32", "33", "34", "35", "36", "37", "90", "91", "92", "93", "94", "95", "96", "97");
    private static final char ESC = '\u001b';
    /** Longest style sequence let through, {@code ESC [ 1 ; 3 1 m} and a few more parameters. */
    private static final int LONGEST = 16;

    /** An escape sequence begun in one write and not finished yet. */
    private final StringBuilder pending = new StringBuilder();

    PrintableWriter(Writer out) {
        super(out);
    }

    /** {@code text} as this writer passes it on: what a terminal is sent for it. */
    static String shown(String text) {
        StringWriter shown = new StringWriter();
        try (PrintableWriter writer = new PrintableWriter(shown)) {
            writer.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return shown.toString();
    }

    @Override
    public void write(int c) throws IOException {
        char ch = (char) c;
        if (!pending.isEmpty()) {
            pending.append(ch);
            settle();
            return;
        }
        if (ch == ESC) {
            pending.append(ch);
            return;
        }
        out.write(visible(ch));
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(buffer[i]);
        }
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(text.charAt(i));
        }
    }

    @Override
    public void flush() throws IOException {
        // A sequence still open at a flush is not one of fleet's colours (those are written whole).
        if (!pending.isEmpty()) {
            out.write(escaped(pending.toString()));
            pending.setLength(0);
        }
        super.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        super.close();
    }

    /** Passes a finished style sequence, escapes anything else once it cannot become one. */
    private void settle() throws IOException {
        String sequence = pending.toString();
        boolean complete = sequence.length() >= 3 && sequence.charAt(1) == '[' && sequence.endsWith("m");
        if (complete && Arrays.stream(sequence.substring(2, sequence.length() - 1).split(";", -1))
                .allMatch(STYLES::contains)) {
            out.write(sequence);
            pending.setLength(0);
            return;
        }
        boolean couldBecome = !complete && sequence.length() < LONGEST
                && (sequence.length() < 2 || sequence.charAt(1) == '[')
                && sequence.substring(Math.min(2, sequence.length())).chars().allMatch(c -> Character.isDigit(c) || c == ';');
        if (!couldBecome) {
            out.write(escaped(sequence));
            pending.setLength(0);
        }
    }

    private static String escaped(String text) {
        StringBuilder shown = new StringBuilder();
        for (char c : text.toCharArray()) {
            shown.append(visible(c));
        }
        return shown.toString();
    }

    /** The character itself when it is harmless, else a readable escape of it. */
    static String visible(char c) {
        if (c == '\n' || c == '\t') {
            return String.valueOf(c);
        }
        if (c == '\r') {
            return "\\r";
        }
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02x", (int) c);
        }
        if ((c >= 0x80 && c <= 0x9f) || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
            return String.format("\\u%04x", (int) c);
        }
        return String.valueOf(c);
    }
}
