package dev.fleet.infra.droplet.containers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP answer as a health check needs it: the status and the start of the body.
 *
 * @param status the status code
 * @param body   the body as UTF-8, at most {@value #MAX_BODY} bytes of it
 * @param headers the headers fleet reads (lower-case names), the first value of each
 */
public record HttpAnswer(int status, String body, Map<String, String> headers) {

    public HttpAnswer {
        headers = Map.copyOf(headers);
    }

    HttpAnswer(int status, String body) {
        this(status, body, Map.of());
    }

    /** The headers an answer is read for; others are skipped. */
    private static final Set<String> KEPT_HEADERS = Set.of("x-fleet-upstream");

    /** Content checks look for short texts; a health endpoint streaming without end must not hang us. */
    static final int MAX_BODY = 1024 * 1024;

    private static final int MAX_LINE = 8 * 1024;

    /**
     * The request fleet sends: HTTP/1.1 with {@code Connection: close}, so the answer ends with the
     * connection whatever framing the app uses.
     */
    static byte[] request(String path, String host) {
        return request("GET", path, host);
    }

    /** A request with {@code method} (GET or POST; a POST carries an empty body). */
    static byte[] request(String method, String path, String host) {
        return (method + " " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + (method.equals("POST") ? "Content-Length: 0\r\n" : "")
                + "User-Agent: fleet\r\n"
                + "Accept: */*\r\n"
                + "Connection: close\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code path} can go into a request line as it is: absolute, no spaces or controls. */
    static boolean isRequestPath(String path) {
        if (!path.startsWith("/")) {
            return false;
        }
        return path.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /**
     * Reads one answer: status line, headers, then the body framed by chunked encoding, a
     * Content-Length, or the end of the stream.
     *
     * @throws ProtocolException when what arrives is not HTTP
     */
    static HttpAnswer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new ProtocolException("the connection closed before an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new ProtocolException("not an HTTP answer: " + abbreviate(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new ProtocolException("not an HTTP status: " + abbreviate(statusLine));
        }
        long contentLength = -1;
        boolean chunked = false;
        Map<String, String> kept = new HashMap<>();
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad Content-Length: " + abbreviate(value));
                }
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (KEPT_HEADERS.contains(name)) {
                kept.putIfAbsent(name, value);
            }
        }
        byte[] body = chunked ? chunkedBody(in) : contentLength >= 0 ? fixedBody(in, contentLength) : restOf(in);
        return new HttpAnswer(status, new String(body, StandardCharsets.UTF_8), kept);
    }

    private static byte[] fixedBody(InputStream in, long length) throws IOException {
        return in.readNBytes((int) Math.min(length, MAX_BODY));
    }

    private static byte[] restOf(InputStream in) throws IOException {
        return in.readNBytes(MAX_BODY);
    }

    private static byte[] chunkedBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < MAX_BODY) {
            String sizeLine = line(in);
            if (sizeLine == null) {
                break;
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size: " + abbreviate(sizeLine));
            }
            if (size == 0) {
                break;
            }
            byte[] chunk = in.readNBytes(Math.min(size, MAX_BODY - body.size()));
            body.write(chunk);
            if (chunk.length < size) {
                break;
            }
            line(in);
        }
        return body.toByteArray();
    }

    /** One line without its CRLF (or LF); null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_LINE) {
                throw new ProtocolException("a line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
