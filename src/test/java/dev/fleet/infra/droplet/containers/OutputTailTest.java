package dev.fleet.infra.droplet.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.EnvValue;
import dev.fleet.desired.Secret;
import dev.fleet.desired.SecretRedaction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTailTest {

    private static final SecretRedaction NONE = SecretRedaction.of(Map.of());

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shortOutputIsKeptWholeInOrder() {
        OutputTail tail = new OutputTail(16, NONE);
        tail.append(utf8("out 1\n"));
        tail.append(utf8("err 2\n"));

        assertThat(tail.text()).isEqualTo("out 1\nerr 2\n");
    }

    @Test
    void longOutputKeepsItsLastBytesOnlyWhateverTheChunks() {
        OutputTail tail = new OutputTail(10, NONE);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            String line = "line " + i + "\n";
            all.append(line);
            tail.append(utf8(line));
        }
        tail.append(utf8("x".repeat(7)));
        tail.append(utf8("0123456789abcdefghij")); // one chunk longer than the ring

        assertThat(tail.capacity()).isEqualTo(10);
        assertThat(tail.text()).isEqualTo("abcdefghij");
    }

    @Test
    void aCharacterCutByTheStartIsDroppedAndMalformedBytesDoNotFail() {
        OutputTail tail = new OutputTail(5, NONE);
        tail.append(utf8("aaé€b")); // a a é(2) €(3) b: the last 5 bytes start inside é

        assertThat(tail.text()).isEqualTo("€b");

        OutputTail bad = new OutputTail(16, NONE);
        bad.append(new byte[] {'o', 'k', (byte) 0xff, ' ', (byte) 0xc3});
        assertThat(bad.text()).isEqualTo("ok\ufffd \ufffd");
    }

    @Test
    void aSecretCutByTheTailsStartIsStillRedactedNeverShownInPart() {
        String value = "s3cr3t-value-0123456789";
        SecretRedaction redaction = SecretRedaction.of(Map.of("TOKEN", new EnvValue.SecretValue(new Secret(value),
                "env TOKEN")));
        OutputTail tail = new OutputTail(20, redaction);
        tail.append(utf8("token is " + value + " ok\n"));

        // The last 20 bytes alone would be "value-0123456789 ok\n": a piece of the secret. Redacted first, then
        // cut to 20 bytes, the text keeps what fits before the mark.
        String text = tail.text();
        assertThat(text).doesNotContain("0123").isEqualTo("s [secret TOKEN] ok\n");
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(20);
    }

    @Test
    void theRedactedTextIsCutToTheLimitAtACharacterBoundary() {
        assertThat(OutputTail.lastBytes("abc€", 4)).isEqualTo("c€");
        assertThat(OutputTail.lastBytes("abc€", 3)).isEqualTo("€");
        assertThat(OutputTail.lastBytes("abc€", 2)).isEmpty();
        assertThat(OutputTail.lastBytes("a\uD83D\uDE00", 4)).isEqualTo("\uD83D\uDE00");
    }
}
