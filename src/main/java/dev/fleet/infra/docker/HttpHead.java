package dev.fleet.infra.docker;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The status line and headers of an HTTP/1.1 answer, read byte by byte so that nothing of the body
 * is consumed: after a {@code 101 Switching Protocols} the rest of the stream is the container's.
 * A droplet's answer is data: the head is bounded, and a malformed one is refused.
 *
 * @param status  the status code
 * @param reason  the reason phrase, possibly empty
 * @param headers the headers, names case-insensitive; a repeated header keeps its last value
 */
public record HttpHead(int status, String reason, Map<String, String> headers) {

    /** How much of a head fleet reads before giving up: Docker's are a few hundred bytes. */
    public static final int LIMIT = 16 * 1024;

    public HttpHead {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        headers = copy;
    }

    /** The value of header {@code name}, if the answer has it. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** Whether the body comes in HTTP chunks. */
    public boolean chunked() {
        return header("Transfer-Encoding").map(value -> value.toLowerCase().contains("chunked")).orElse(false);
    }

    /** The server's clock when it answered ({@code Date}, to the second), when it says and says it plainly. */
    public Optional<Instant> date() {
        try {
            return header("Date").map(String::strip)
                    .map(value -> ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The body's declared length, when the answer declares one. */
    public Optional<Long> contentLength() {
        try {
            return header("Content-Length").map(String::strip).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a head from {@code in}, up to and including the empty line that ends it, and not one
     * byte more.
     *
     * @throws IOException when the stream ends first, the head is longer than {@code limit} bytes,
     *                     or it is not HTTP
     */
    public static HttpHead read(InputStream in, int limit) throws IOException {
        byte[] bytes = new byte[Math.min(limit, 1024)];
        int size = 0;
        while (size < 4 || !ended(bytes, size)) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("the Docker engine closed the connection before its answer's head ended");
            }
            if (size == limit) {
                throw new IOException("the Docker engine's answer has a head longer than " + limit / 1024 + " KiB");
            }
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(limit, bytes.length * 2));
            }
            bytes[size++] = (byte) next;
        }
        return parse(new String(bytes, 0, size, StandardCharsets.ISO_8859_1));
    }

    private static boolean ended(byte[] bytes, int size) {
        return bytes[size - 1] == '\n' && (bytes[size - 2] == '\n' || bytes[size - 2] == '\r' && bytes[size - 3] == '\n');
    }

    static HttpHead parse(String text) throws IOException {
        String[] lines = text.split("\r?\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("the Docker engine did not answer in HTTP/1.1: " + printable(lines[0]));
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the Docker engine answered a bad status line: " + printable(lines[0]));
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("the Docker engine answered a bad header line: " + printable(lines[i]));
            }
            headers.put(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
        }
        return new HttpHead(code, status.length > 2 ? status[2] : "", headers);
    }

    private static String printable(String line) {
        String shown = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
