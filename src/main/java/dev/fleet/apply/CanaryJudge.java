package dev.fleet.apply;

import dev.fleet.desired.CanarySpec;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges a canary's soak from what the balancer counted since it began: the canaries' share of
 * failed requests against the other droplets' over the same window. Pure: the soak asks it at each
 * look and at the end.
 */
final class CanaryJudge {

    private CanaryJudge() {}

    /**
     * Why the canaries fail, if they do already: once they answered at least {@code minRequests}
     * (and one), their failed share is more than {@code maxErrorRate} above the others'.
     */
    static Optional<String> failure(CanarySpec canary, RequestCounts canaries, RequestCounts others) {
        if (canaries.requests() == 0 || canaries.requests() < canary.minRequests()) {
            return Optional.empty();
        }
        double excess = canaries.failedShare() - others.failedShare();
        return excess > canary.maxErrorRate()
                ? Optional.of("its share of failed requests is " + percent(excess) + " above the others', more than"
                        + " max-error-rate " + percent(canary.maxErrorRate()))
                : Optional.empty();
    }

    /** Why a soak that ended without failing still does not pass: too few requests reached the canaries. */
    static Optional<String> unproven(CanarySpec canary, RequestCounts canaries) {
        return canaries.requests() < canary.minRequests()
                ? Optional.of("only " + canaries.requests() + " requests reached the canary, fewer than min-requests "
                        + canary.minRequests() + ": it proved nothing (lower rollout.canary.min-requests, to 0 to judge"
                        + " by health alone, or soak longer)")
                : Optional.empty();
    }

    /** The counts in words, for the record of a soak. */
    static String words(RequestCounts canaries, RequestCounts others) {
        return "the canary answered " + canaries.requests() + " requests, " + canaries.failed() + " failed ("
                + percent(canaries.failedShare()) + "); the others " + others.requests() + ", " + others.failed()
                + " failed (" + percent(others.failedShare()) + ")";
    }

    /** A share as a percentage with two decimals ("1.00%"). */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }
}
