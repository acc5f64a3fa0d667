package dev.fleet.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.ProbeFigures;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.HistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The probe's figures as apply's summary, {@code fleet history} and {@code fleet.history/v1} show them. */
class ProbeReportsTest {

    private static final Instant STARTED = Instant.parse("2026-12-07T16:00:00Z");
    private static final ProbeFigures CLEAN = new ProbeFigures("http://lb.example.com/health", 1240, Map.of(),
            Duration.ofMillis(210));
    private static final ProbeFigures FAILED = new ProbeFigures("http://lb.example.com/health", 1180,
            Map.of("timeout", 3L, "status_5xx", 4L), Duration.ofMillis(2400));

    @Test
    void aCleanProbeIsOneLineOfRequestsNoFailureAndTheLongestGap() {
        assertThat(ProbeText.line(CLEAN))
                .isEqualTo("probe: 1,240 requests, 0 failed, longest gap between successes 0.21s");
    }

    @Test
    void failuresAreCountedByKind() {
        assertThat(ProbeText.line(FAILED)).isEqualTo("probe: 1,180 requests, 7 failed (status_5xx 4, timeout 3),"
                + " longest gap between successes 2.40s");
    }

    @Test
    void theApplysSummarySaysItWithTheUrlAndWithoutAProbeSaysNothing() {
        ApplyResult probed = new ApplyResult(STARTED, Duration.ofSeconds(12), List.of(), List.of(), Optional.empty(),
                List.of(), Optional.of(CLEAN));
        ApplyResult unprobed = new ApplyResult(STARTED, Duration.ofSeconds(12), List.of(), List.of(), Optional.empty());

        assertThat(ApplyReport.summary(probed)).contains("  probe: 1,240 requests, 0 failed, longest gap between"
                + " successes 0.21s (http://lb.example.com/health)\n");
        assertThat(ApplyReport.summary(unprobed)).doesNotContain("probe");
    }

    @Test
    void theHistoryShowsTheProbeAndItsJsonHasTheFiguresOnlyWhenThereWasOne() throws Exception {
        List<HistoryEntry> entries = List.of(new HistoryEntry.Apply(record(Optional.of(FAILED))),
                new HistoryEntry.Apply(record(Optional.empty())));

        assertThat(HistoryReport.render("demo", entries, false))
                .contains("    probe: 1,180 requests, 7 failed (status_5xx 4, timeout 3)");
        JsonNode json = new ObjectMapper().readTree(HistoryJson.render("demo", entries)).path("entries");
        JsonNode probe = json.get(0).path("probe");
        assertThat(probe.path("url").asText()).isEqualTo("http://lb.example.com/health");
        assertThat(probe.path("requests").asLong()).isEqualTo(1180);
        assertThat(probe.path("failures").path("status_5xx").asLong()).isEqualTo(4);
        assertThat(probe.path("failures").path("timeout").asLong()).isEqualTo(3);
        assertThat(probe.path("longestGapSeconds").asDouble()).isEqualTo(2.4);
        assertThat(json.get(1).has("probe")).isFalse();
    }

    @Test
    void theWatchPagesHistoryShowsTheProbesFiguresBesideTheApply() {
        assertThat(HistorySection.figures(record(Optional.of(FAILED))))
                .anySatisfy(figure -> {
                    assertThat(figure.name()).isEqualTo("Probe");
                    assertThat(figure.value()).startsWith("1,180 requests, ").contains(" failed (");
                });
        assertThat(HistorySection.figures(record(Optional.empty()))).noneMatch(figure -> figure.name().equals("Probe"));
    }

    private static ApplyRecord record(Optional<ProbeFigures> probe) {
        return new ApplyRecord("7f3a", "ci", "0123abcd", STARTED, Duration.ofSeconds(12), "converged", List.of(),
                Optional.empty(), List.of(), probe);
    }
}
