package dev.fleet.infra.droplet.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.apply.ProbeFigures;
import dev.fleet.rollout.ledger.ApplyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An apply's record as a line of a droplet's history: what fleet writes it reads back, and older lines still read. */
class ApplyRecordJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ApplyRecord PROBED = new ApplyRecord("7f3a", "ci", "0123abcd",
            Instant.parse("2026-12-07T16:00:00Z"), Duration.ofMillis(12_300), "converged",
            List.of(new ApplyRecord.DropletRecord("droplet-1", "sha256:1", "sha256:2", "converged", List.of("drain: 0.5s"))),
            Optional.empty(), List.of(), Optional.of(new ProbeFigures("http://lb.example.com/", 1240,
                    Map.of("status_5xx", 4L, "timeout", 3L), Duration.ofMillis(2400))));

    @Test
    void aRecordWithTheProbesFiguresReadsBackAsWritten() throws Exception {
        String line = JSON.writeValueAsString(ApplyRecordJson.toJson(PROBED));

        assertThat(line).contains("\"probe\":{\"url\":\"http://lb.example.com/\",\"requests\":1240,"
                + "\"failures\":{\"status_5xx\":4,\"timeout\":3},\"longestGapMillis\":2400}");
        assertThat(ApplyRecordJson.fromJson(JSON.readTree(line))).isEqualTo(PROBED);
    }

    @Test
    void aRecordOfAnOlderFleetWithoutAProbeStillReads() throws Exception {
        String older = "{\"event\":\"apply\",\"run\":\"7f3a\",\"who\":\"ci\",\"commit\":\"0123abcd\","
                + "\"started\":\"2026-12-07T16:00:00Z\",\"tookMillis\":12300,\"result\":\"converged\",\"droplets\":[]}";

        ApplyRecord record = ApplyRecordJson.fromJson(JSON.readTree(older));

        assertThat(record.probe()).isEmpty();
        assertThat(record.result()).isEqualTo("converged");
        assertThat(JSON.writeValueAsString(ApplyRecordJson.toJson(record))).doesNotContain("probe");
    }
}
