package dev.fleet.desired.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads a state file's bytes and decodes them as text, for {@link SafeYaml}: refuses, as problems,
 * a file over {@value SafeYaml#MAX_BYTES} bytes (at the line and column where it passes the limit,
 * reading no further), anything but UTF-8 text (UTF-16, Latin-1, binary) with the position of the
 * first bad byte, and characters YAML does not allow.
 */
final class StateFileText {

    private StateFileText() {}

    /** The file's text, or empty (and problems) when it cannot be read as UTF-8 text. */
    static Optional<String> read(Path file, Problems problems) {
        return readBytes(file, problems).flatMap(bytes -> decode(bytes, problems));
    }

    private static Optional<byte[]> readBytes(Path file, Problems problems) {
        if (Files.isDirectory(file)) {
            problems.wholeFile("is a directory, not a state file", null);
            return Optional.empty();
        }
        try {
            // Never more than the limit and one byte is read, so a huge file is never loaded; the
            // size is asked first only to say how large it is, and one that grows meanwhile is
            // caught by the bounded read.
            long size = Files.size(file);
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(SafeYaml.MAX_BYTES + 1);
            }
            if (bytes.length <= SafeYaml.MAX_BYTES) {
                return Optional.of(bytes);
            }
            int[] position = limitPosition(bytes);
            problems.at(position[0], position[1], "the file is " + Math.max(size, bytes.length) + " bytes; a state file"
                    + " may be at most 256 KiB (" + SafeYaml.MAX_BYTES + " bytes), and this is where it passes that",
                    "a desired state is a few dozen lines; check that this is the right file");
        } catch (NoSuchFileException e) {
            problems.wholeFile("does not exist",
                    "check the path; resolved, it is " + file.toAbsolutePath().normalize());
        } catch (AccessDeniedException e) {
            problems.wholeFile("cannot be read: permission denied", null);
        } catch (IOException e) {
            problems.wholeFile("cannot be read: " + e.getMessage(), null);
        }
        return Optional.empty();
    }

    private static Optional<String> decode(byte[] bytes, Problems problems) {
        Optional<String> byteOrderMark = foreignByteOrderMark(bytes);
        if (byteOrderMark.isPresent()) {
            problems.at(1, 1, "the file is " + byteOrderMark.get() + " (it starts with a byte order mark);"
                    + " fleet reads state files as UTF-8 only", "save it as UTF-8, e.g. iconv -f "
                    + byteOrderMark.get() + " -t UTF-8");
            return Optional.empty();
        }
        int start = hasUtf8ByteOrderMark(bytes) ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        out.flip();
        String text = out.toString();
        if (result.isError()) {
            int[] position = position(text, text.length());
            problems.at(position[0], position[1], String.format("the file is not UTF-8 text:"
                    + " byte 0x%02X here is not part of a UTF-8 character", bytes[in.position()]),
                    "fleet reads state files as UTF-8 only; convert it, e.g. iconv -f LATIN1 -t UTF-8");
            return Optional.empty();
        }
        return checkPrintable(text, problems) ? Optional.of(text) : Optional.empty();
    }

    private static Optional<String> foreignByteOrderMark(byte[] b) {
        int b0 = b.length > 0 ? b[0] & 0xff : -1;
        int b1 = b.length > 1 ? b[1] & 0xff : -1;
        int b2 = b.length > 2 ? b[2] & 0xff : -1;
        int b3 = b.length > 3 ? b[3] & 0xff : -1;
        if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) {
            return Optional.of("UTF-32BE");
        }
        if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0) {
            return Optional.of("UTF-32LE");
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            return Optional.of("UTF-16BE");
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            return Optional.of("UTF-16LE");
        }
        return Optional.empty();
    }

    /** Refuses what YAML does not allow in a stream: NUL (UTF-16 without a byte order mark) and controls. */
    private static boolean checkPrintable(String text, Problems problems) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!StreamReader.isPrintable(c)) {
                int[] position = position(text, i);
                if (c == 0) {
                    problems.at(position[0], position[1], "the file contains NUL bytes, as UTF-16 text or a binary"
                            + " file does; fleet reads state files as UTF-8 text only",
                            "save it as UTF-8, e.g. iconv -f UTF-16LE -t UTF-8");
                } else {
                    problems.at(position[0], position[1],
                            String.format("the file contains the control character U+%04X", c),
                            "remove it; a state file is plain text");
                }
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    /**
     * The line and column of the first character that does not fit in {@value SafeYaml#MAX_BYTES}
     * bytes (a character cut by the limit counts as past it), as the text reading counts them.
     */
    private static int[] limitPosition(byte[] bytes) {
        int end = SafeYaml.MAX_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        int start = hasUtf8ByteOrderMark(bytes) ? 3 : 0;
        String text = new String(bytes, start, Math.max(0, end - start), StandardCharsets.UTF_8);
        return position(text, text.length());
    }

    private static boolean hasUtf8ByteOrderMark(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF;
    }

    /** The 1-based line and column (in code points, as snakeyaml counts) of {@code index} in {@code text}. */
    private static int[] position(String text, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < index; ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            boolean crlf = c == '\r' && i < text.length() && text.charAt(i) == '\n';
            if (c == '\n' || (c == '\r' && !crlf)) {
                line++;
                column = 1;
            } else if (!crlf) {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
