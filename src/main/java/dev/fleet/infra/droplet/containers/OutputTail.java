package dev.fleet.infra.droplet.containers;

import dev.fleet.desired.SecretRedaction;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The last bytes of a stream of output, however long the stream: a ring of fixed size, so that a
 * one-off that writes gigabytes costs no more memory than one that writes a line. Synchronized: the
 * log stream's callback writes from its own thread, and a reader that gave up on it may read meanwhile.
 *
 * <p>It keeps {@code limit} bytes plus the redaction's {@link SecretRedaction#overlap() overlap}:
 * a secret cut by the start of the last {@code limit} bytes is still whole in what is kept, so it
 * is replaced before the text is cut to {@code limit} bytes, never shown in part.
 */
final class OutputTail {

    private final int limit;
    private final SecretRedaction redaction;
    private final byte[] ring;
    private long written;

    OutputTail(int limit, SecretRedaction redaction) {
        this.limit = limit;
        this.redaction = redaction;
        this.ring = new byte[limit + redaction.overlap()];
    }

    /** How many bytes the ring holds at most: what a reader need not read more than. */
    int capacity() {
        return ring.length;
    }

    synchronized void append(byte[] bytes) {
        // Only the bytes that can still be in the ring afterwards are copied.
        int from = Math.max(0, bytes.length - ring.length);
        written += from;
        for (int i = from; i < bytes.length; i++) {
            ring[(int) (written++ % ring.length)] = bytes[i];
        }
    }

    /**
     * What was kept, decoded as UTF-8 leniently (a malformed byte becomes U+FFFD, an error never),
     * redacted, then cut to its last {@code limit} bytes at a character boundary.
     */
    synchronized String text() {
        int kept = (int) Math.min(written, ring.length);
        byte[] bytes = new byte[kept];
        int start = (int) ((written - kept) % ring.length);
        for (int i = 0; i < kept; i++) {
            bytes[i] = ring[(start + i) % ring.length];
        }
        // The ring's start may fall inside a character: its continuation bytes are not a character.
        int first = 0;
        while (written > kept && first < bytes.length && (bytes[first] & 0xC0) == 0x80) {
            first++;
        }
        String redacted = redaction.redact(decode(bytes, first));
        return lastBytes(redacted, limit);
    }

    private static String decode(byte[] bytes, int from) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, from, bytes.length - from)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder reported a coding error", e);
        }
    }

    /** The end of {@code text} that takes at most {@code limit} bytes of UTF-8, whole characters only. */
    static String lastBytes(String text, int limit) {
        int bytes = 0;
        int from = text.length();
        while (from > 0) {
            int codePoint = text.codePointBefore(from);
            int size = utf8Length(codePoint);
            if (bytes + size > limit) {
                break;
            }
            bytes += size;
            from -= Character.charCount(codePoint);
        }
        return text.substring(from);
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }
}
