package dev.fleet.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.ProbeSpec;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The probe's figures: requests, failures by kind, and the longest time clients went without a success. */
class ProbeTallyTest {

    private static final Instant START = Instant.parse("2026-12-07T16:00:00Z");
    private static final String URL = "http://lb.example.com/health";

    private final ProbeTally tally = new ProbeTally(URL, START);

    @Test
    void everySuccessClosesAGapAndTheLongestIsKept() {
        tally.succeeded(at(100));
        tally.succeeded(at(200));
        tally.failed(ProbeFailure.STATUS_5XX);
        tally.failed(ProbeFailure.REFUSED);
        tally.succeeded(at(900));
        tally.succeeded(at(1000));

        ProbeFigures figures = tally.figures(at(1100));

        assertThat(figures.requests()).isEqualTo(6);
        assertThat(figures.failed()).isEqualTo(2);
        assertThat(figures.failures()).isEqualTo(Map.of("status_5xx", 1L, "refused", 1L));
        assertThat(figures.longestGap()).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void theGapFromTheStartToTheFirstSuccessCounts() {
        tally.failed(ProbeFailure.TIMEOUT);
        tally.succeeded(at(1500));
        tally.succeeded(at(1600));

        assertThat(tally.figures(at(1700)).longestGap()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void theGapFromTheLastSuccessToTheEndCounts() {
        tally.succeeded(at(100));
        tally.failed(ProbeFailure.CONNECTION);

        assertThat(tally.figures(at(2100)).longestGap()).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void withoutASuccessTheGapIsTheWholeRun() {
        tally.failed(ProbeFailure.TIMEOUT);

        ProbeFigures figures = tally.figures(at(3000));

        assertThat(figures.longestGap()).isEqualTo(Duration.ofSeconds(3));
        assertThat(figures.failures()).isEqualTo(Map.of("timeout", 1L));
    }

    @Test
    void aSuccessEndingAfterALaterOneDoesNotShortenTheGapBehind() {
        tally.succeeded(at(100));
        tally.succeeded(at(500));
        tally.succeeded(at(300)); // sent before the one at 500, answered after it

        assertThat(tally.figures(at(600)).longestGap()).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void answersAreFailuresByTheirStatus() {
        assertThat(ProbeFailure.ofStatus(200)).isEmpty();
        assertThat(ProbeFailure.ofStatus(302)).isEmpty();
        assertThat(ProbeFailure.ofStatus(503)).hasValue(ProbeFailure.STATUS_5XX);
        assertThat(ProbeFailure.ofStatus(404)).hasValue(ProbeFailure.STATUS_OTHER);
        assertThat(ProbeFailure.ofStatus(101)).hasValue(ProbeFailure.STATUS_OTHER);
    }

    @Test
    void overMaxFailuresTheReasonNamesTheUrlTheLimitAndTheKinds() {
        ProbeSpec spec = new ProbeSpec(URI.create(URL), 20, Duration.ofSeconds(2), OptionalInt.of(5));
        for (int i = 0; i < 4; i++) {
            tally.failed(ProbeFailure.STATUS_5XX);
        }
        tally.failed(ProbeFailure.TIMEOUT);
        assertThat(ProbeLimit.exceeded(spec, tally.figures(at(100)))).isEmpty();

        tally.failed(ProbeFailure.TIMEOUT);
        tally.failed(ProbeFailure.TIMEOUT);

        assertThat(ProbeLimit.exceeded(spec, tally.figures(at(200)))).hasValue("the probe at " + URL
                + " failed 7 times (max-failures 5): status_5xx 4, timeout 3");
    }

    @Test
    void withoutMaxFailuresNothingStops() {
        ProbeSpec spec = new ProbeSpec(URI.create(URL), 20, Duration.ofSeconds(2), OptionalInt.empty());
        tally.failed(ProbeFailure.REFUSED);

        assertThat(ProbeLimit.exceeded(spec, tally.figures(at(100)))).isEmpty();
    }

    private static Instant at(long millis) {
        return START.plusMillis(millis);
    }
}
