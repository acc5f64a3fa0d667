package dev.fleet.desired;

import java.time.Duration;
import java.util.List;

/**
 * How to tell that the app on a droplet is healthy, seen from the droplet itself.
 *
 * @param path           the health endpoint, for example {@code /health}
 * @param port           the droplet port it answers on
 * @param expectStatus   the HTTP status a healthy app answers
 * @param checks         content checks in the spirit of Dokku's CHECKS: each path must answer 2xx
 *                       with a body containing the expected text
 * @param timeout        how long one request may take
 * @param successes      how many consecutive successes make a new container healthy
 * @param interval       the time between two attempts while waiting
 */
public record HealthSpec(
        String path, int port, int expectStatus, List<ContentCheck> checks, Duration timeout, int successes,
        Duration interval) {

    public HealthSpec {
        checks = List.copyOf(checks);
    }

    /** The same checks, asked on another port (a blue-green colour's, or the proxy's check server). */
    public HealthSpec atPort(int otherPort) {
        return new HealthSpec(path, otherPort, expectStatus, checks, timeout, successes, interval);
    }

    /** One content check: GET {@code path} must answer 2xx with {@code expect} in its body. */
    public record ContentCheck(String path, String expect) {}
}
