package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> SSH = List.of("user", "identity-file", "known-hosts", "connect-timeout");

    @Test
    void caseAndSeparatorVariantsFindTheKebabCaseKey() {
        assertThat(Suggestions.closest("identityFile", SSH)).contains("identity-file");
        assertThat(Suggestions.closest("identity_file", SSH)).contains("identity-file");
        assertThat(Suggestions.closest("Known_Hosts", SSH)).contains("known-hosts");
    }

    @Test
    void typosWithinTwoEditsFindTheKey() {
        assertThat(Suggestions.closest("identity-flie", SSH)).contains("identity-file");
        assertThat(Suggestions.closest("usr", SSH)).contains("user");
        assertThat(Suggestions.closest("known-host", SSH)).contains("known-hosts");
    }

    @Test
    void distantKeysGetNoSuggestion() {
        assertThat(Suggestions.closest("password", SSH)).isEmpty();
        assertThat(Suggestions.closest("timeout", SSH)).isEmpty();
    }

    @Test
    void shortKeysAreNotStretchedToAnotherWord() {
        assertThat(Suggestions.closest("ip", List.of("id", "port"))).isEmpty();
    }
}
