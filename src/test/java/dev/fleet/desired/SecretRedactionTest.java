package dev.fleet.desired;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretRedactionTest {

    private static EnvValue secret(String value) {
        return new EnvValue.SecretValue(new Secret(value), "env TEST");
    }

    @Test
    void everyOccurrenceOfASecretValueIsReplacedByItsName() {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("DATABASE_URL", secret("postgres://app:hunter22@db/app"));
        environment.put("API_TOKEN", secret("tok-123456"));
        environment.put("MODE", new EnvValue.Plain("migrate"));

        String redacted = SecretRedaction.of(environment).redact(
                "connecting to postgres://app:hunter22@db/app\nusing tok-123456, again tok-123456; mode migrate\n");

        assertThat(redacted).isEqualTo(
                "connecting to [secret DATABASE_URL]\nusing [secret API_TOKEN], again [secret API_TOKEN]; mode migrate\n");
    }

    @Test
    void plainValuesAndValuesShorterThanFourCharactersStay() {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("PORT", new EnvValue.Plain("8080"));
        environment.put("FLAG", secret("on"));
        environment.put("PIN", secret("123"));
        environment.put("CODE", secret("1234"));

        assertThat(SecretRedaction.of(environment).redact("port 8080, flag on, pin 123, code 1234"))
                .isEqualTo("port 8080, flag on, pin 123, code [secret CODE]");
    }

    @Test
    void aSecretThatContainsAnotherIsReplacedWholeAndMarksAreNotSearchedAgain() {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("SHORT", secret("secret"));
        environment.put("LONG", secret("the-secret-key"));

        assertThat(SecretRedaction.of(environment).redact("the-secret-key and secret"))
                .isEqualTo("[secret LONG] and [secret SHORT]");
    }

    @Test
    void twoVariablesWithOneValueAreNamedByTheFirst() {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("FIRST", secret("same-value"));
        environment.put("SECOND", secret("same-value"));

        assertThat(SecretRedaction.of(environment).redact("x same-value y")).isEqualTo("x [secret FIRST] y");
    }

    @Test
    void theOverlapIsTheLongestSecretInUtf8BytesLessOne() {
        Map<String, EnvValue> environment = new LinkedHashMap<>();
        environment.put("A", secret("abcd"));
        environment.put("B", secret("ünï"));  // 3 characters: not redacted, not counted
        environment.put("C", secret("ünïcödé"));  // 7 characters, 11 bytes

        assertThat(SecretRedaction.of(environment).overlap()).isEqualTo(10);
        assertThat(SecretRedaction.of(Map.of("P", new EnvValue.Plain("a long plain value"))).overlap()).isZero();
    }

    @Test
    void nothingToRedactLeavesTheTextAsItIs() {
        String text = "nothing\u0000odd\ufffd";
        assertThat(SecretRedaction.of(Map.of()).redact(text)).isSameAs(text);
    }
}
