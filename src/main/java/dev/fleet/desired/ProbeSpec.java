package dev.fleet.desired;

import java.net.URI;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * {@code rollout.probe}: a URL of the service as its clients reach it, asked at a constant rate
 * while an apply rolls, so that every apply proves it dropped no request (or says how many it did).
 *
 * @param url         http or https, through the balancer or the service's DNS name
 * @param rate        requests per second, from 1 to {@value #MOST_PER_SECOND}
 * @param timeout     how long one request may take before it counts as failed
 * @param maxFailures the most failed requests a rollout may see: one more stops it as a failed
 *                    health check of the droplet in its turn does; empty: the probe only reports
 */
public record ProbeSpec(URI url, int rate, Duration timeout, OptionalInt maxFailures) {

    /** A probe is a witness, not a load test: more than this is asked for by mistake. */
    public static final int MOST_PER_SECOND = 200;

    public static final int DEFAULT_RATE = 10;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public ProbeSpec {
        if (rate < 1 || rate > MOST_PER_SECOND || !timeout.isPositive()
                || (maxFailures.isPresent() && maxFailures.getAsInt() < 0)) {
            throw new IllegalArgumentException("probe " + rate + "/s " + timeout + " " + maxFailures);
        }
    }

    /** Time between the starts of two requests. */
    public Duration period() {
        return Duration.ofNanos(1_000_000_000L / rate);
    }
}
