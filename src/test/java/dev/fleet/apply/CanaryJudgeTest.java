package dev.fleet.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.CanarySpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CanaryJudgeTest {

    private static final CanarySpec ONE_PERCENT = new CanarySpec(Duration.ofMinutes(2), 0.01, 20);

    @Test
    void aCanaryFailingMoreThanTheMarginAboveTheOthersFails() {
        assertThat(CanaryJudge.failure(ONE_PERCENT, new RequestCounts(100, 30), new RequestCounts(900, 9)))
                .hasValue("its share of failed requests is 29.00% above the others', more than max-error-rate 1.00%");
    }

    @Test
    void aCanaryFailingNoMoreThanTheOthersPassesEvenWhenEveryoneFails() {
        assertThat(CanaryJudge.failure(ONE_PERCENT, new RequestCounts(100, 30), new RequestCounts(900, 280)))
                .isEmpty();
        assertThat(CanaryJudge.failure(ONE_PERCENT, new RequestCounts(1000, 15), new RequestCounts(9000, 90)))
                .as("1.5% against 1%: 0.5 points above").isEmpty();
    }

    @Test
    void tooFewRequestsAreNotJudgedAndAtTheEndTheyProveNothing() {
        assertThat(CanaryJudge.failure(ONE_PERCENT, new RequestCounts(19, 19), new RequestCounts(900, 0))).isEmpty();
        assertThat(CanaryJudge.unproven(ONE_PERCENT, new RequestCounts(19, 0))).hasValueSatisfying(
                why -> assertThat(why).startsWith("only 19 requests reached the canary, fewer than min-requests 20"));
        assertThat(CanaryJudge.unproven(ONE_PERCENT, new RequestCounts(20, 0))).isEmpty();
    }

    @Test
    void withMinRequestsZeroACanaryNobodyUsedPassesOnItsHealth() {
        CanarySpec healthOnly = new CanarySpec(Duration.ofMinutes(2), 0.01, 0);

        assertThat(CanaryJudge.failure(healthOnly, RequestCounts.NONE, RequestCounts.NONE)).isEmpty();
        assertThat(CanaryJudge.unproven(healthOnly, RequestCounts.NONE)).isEmpty();
    }

    @Test
    void countersThatWentBackStartAgainFromZero() {
        assertThat(new RequestCounts(5, 1).since(new RequestCounts(100, 2))).isEqualTo(new RequestCounts(5, 1));
        assertThat(new RequestCounts(150, 7).since(new RequestCounts(100, 2))).isEqualTo(new RequestCounts(50, 5));
    }
}
