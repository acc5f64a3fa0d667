package dev.fleet.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.rollout.watch.WatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void everyEventIsValidJsonWithTextForChatReceiversAndItsName() throws Exception {
        List<WatchEvent> events = List.of(
                new WatchEvent.DriftDetected("demo", "abc123", AT, "3 droplets: 3 IMAGE_DRIFT", List.of("d1", "d2", "d3")),
                new WatchEvent.RolloutStarted("demo", "abc123", AT, List.of("d1", "d2")),
                new WatchEvent.RolloutFinished("demo", "abc123", AT, Duration.ofMillis(23_400)),
                new WatchEvent.RolledBack("demo", "abc123", AT, "d1", "not healthy within 30s: \"starting\"\n"),
                new WatchEvent.RolloutFailed("demo", "abc123", AT, "d1: rolled back"),
                new WatchEvent.Dns("demo", "abc123", AT, "dns_removed", "www.example.com.",
                        "fleet: removed www.example.com. 60 A 192.0.2.2 (d2): failed 2 health checks in a row"));

        for (WatchEvent event : events) {
            JsonNode json = JSON.readTree(EventJson.render(event));
            assertThat(json.get("text").asText()).isEqualTo(event.text()).startsWith("fleet: ");
            assertThat(json.get("message").asText()).isEqualTo(event.text());
            assertThat(json.get("event").asText()).isEqualTo(event.name());
            assertThat(json.get("service").asText()).isEqualTo("demo");
            assertThat(json.get("commit").asText()).isEqualTo("abc123");
            assertThat(json.get("at").asText()).isEqualTo("2026-12-02T10:00:00Z");
        }
    }

    @Test
    void aDnsEventIsNamedByItsKindAndCarriesTheName() throws Exception {
        JsonNode json = JSON.readTree(EventJson.render(new WatchEvent.Dns("demo", "abc123", AT, "dns_all_down",
                "www.example.com.", "fleet: every droplet behind www.example.com. is down")));

        assertThat(json.get("event").asText()).isEqualTo("dns_all_down");
        assertThat(json.get("name").asText()).isEqualTo("www.example.com.");
        assertThat(json.get("title").asText()).isEqualTo("fleet: dns all down");
    }

    @Test
    void eventsCarryTheirOwnDetails() throws Exception {
        JsonNode rolledBack = JSON.readTree(EventJson.render(
                new WatchEvent.RolledBack("demo", "abc123", AT, "d1", "not healthy within 30s: \"starting\"")));
        JsonNode finished = JSON.readTree(EventJson.render(
                new WatchEvent.RolloutFinished("demo", "abc123", AT, Duration.ofMillis(23_400))));

        assertThat(rolledBack.get("event").asText()).isEqualTo("rolled_back");
        assertThat(rolledBack.get("droplet").asText()).isEqualTo("d1");
        assertThat(rolledBack.get("reason").asText()).isEqualTo("not healthy within 30s: \"starting\"");
        assertThat(finished.get("seconds").asDouble()).isEqualTo(23.4);
    }
}
