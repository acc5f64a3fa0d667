package dev.fleet.desired;

import java.time.Duration;

/**
 * The first wave as a canary: it stays on the new version for {@code soak} while fleet watches it,
 * and the rollout goes on only if it passed.
 *
 * <p>It fails at the first failed health probe of a canary droplet, or, behind a balancer that
 * counts each server's answers (HAProxy), when the canaries' share of failed requests (5xx answers,
 * connection and response errors) over the soak so far is more than {@code maxErrorRate} above the
 * other droplets' share over the same window. It passes when the soak ends without failing, and
 * then only if at least {@code minRequests} requests reached the canaries: a canary nobody used has
 * proved nothing.
 *
 * @param soak         how long the canary is watched
 * @param maxErrorRate how much higher than the others' the canaries' error share may be, from 0 to 1
 * @param minRequests  the fewest requests the canaries must have answered for the soak to pass,
 *                     when the balancer counts them (0: judge by health alone)
 */
public record CanarySpec(Duration soak, double maxErrorRate, long minRequests) {

    public CanarySpec {
        if (soak.isNegative() || soak.isZero() || maxErrorRate < 0 || maxErrorRate > 1 || minRequests < 0) {
            throw new IllegalArgumentException("canary " + soak + " " + maxErrorRate + " " + minRequests);
        }
    }
}
