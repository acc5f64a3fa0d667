package dev.fleet.infra.web;

import dev.fleet.infra.web.BoundedHttpServer.Limits;
import dev.fleet.infra.web.BoundedHttpServer.Request;
import dev.fleet.infra.web.BoundedHttpServer.Response;
import dev.fleet.report.PrometheusMetrics;
import dev.fleet.report.WatchJson;
import dev.fleet.report.WatchPage;
import dev.fleet.rollout.watch.Published;
import dev.fleet.rollout.watch.WatchStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Serves {@code fleet watch}'s status on a local address: {@code /} the live drift page, {@code
 * /drift.json}, {@code /healthz} and {@code /metrics}. Read-only, GET and HEAD only; every answer
 * is rendered from the latest published {@link WatchStatus}, so a request never waits for a round.
 *
 * <p>Bounded against the clients it may meet ({@link BoundedHttpServer}): a request's head within
 * 5 s, at most 64 connections with the slowest giving way, and only the names of {@link
 * AllowedHosts} in its {@code Host} header: a page of another site cannot read it through DNS
 * rebinding.
 */
public final class StatusServer implements Published {

    private final BoundedHttpServer server;

    private StatusServer(BoundedHttpServer server) {
        this.server = server;
    }

    /**
     * Starts serving on {@code address} (a port of 0 picks a free one).
     *
     * @param allowedHosts names the page answers to besides localhost, 127.0.0.1, [::1] and the
     *                     address it listens on: host names or addresses, without a port
     * @param version      fleet's own version, for the metrics' build info
     */
    public static StatusServer start(InetSocketAddress address, List<String> allowedHosts,
            Supplier<WatchStatus> status, Clock clock, String version) throws IOException {
        return start(address, allowedHosts, status, clock, version, Limits.DEFAULT);
    }

    static StatusServer start(InetSocketAddress address, List<String> allowedHosts, Supplier<WatchStatus> status,
            Clock clock, String version, Limits limits) throws IOException {
        Pages pages = new Pages(AllowedHosts.of(address, allowedHosts), status, clock, version);
        return new StatusServer(BoundedHttpServer.start(address, limits, pages::answer));
    }

    @Override
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }

    /** The answers, from the latest status, to requests that name an allowed host. */
    private record Pages(AllowedHosts hosts, Supplier<WatchStatus> status, Clock clock, String version) {

        Response answer(Request request) {
            List<String> host = request.header("Host");
            if (host.size() != 1) {
                return Response.text(400, "a request names one Host, not " + host.size() + "\n");
            }
            if (!hosts.allows(host.getFirst())) {
                return Response.text(421, "fleet watch does not answer to "
                        + AllowedHosts.name(host.getFirst()).map(name -> "the name '" + name + "'").orElse("that Host")
                        + ", only to " + String.join(", ", hosts.describe()) + " (fleet watch --allowed-host NAME adds"
                        + " one)\n");
            }
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return new Response(405, "text/plain; charset=utf-8", "GET or HEAD only\n", Map.of("Allow", "GET, HEAD"));
            }
            WatchStatus now = status.get();
            return switch (request.path()) {
                case "/" -> new Response(200, "text/html; charset=utf-8", WatchPage.render(now, clock.instant()), Map.of());
                case "/drift.json" -> new Response(200, "application/json", WatchJson.render(now), Map.of());
                case "/metrics" -> new Response(200, PrometheusMetrics.CONTENT_TYPE, PrometheusMetrics.render(now, version),
                        Map.of());
                case "/healthz" -> alive(now) ? Response.text(200, "ok\n")
                        : Response.text(503, "no round has ended for " + overdue(now).toSeconds() + "s\n");
                default -> Response.text(404, "not found: try /, /drift.json, /healthz or /metrics\n");
            };
        }

        /**
         * The loop is alive when a round ended (or the watch started) within a few intervals plus the
         * backoff: a round may be a long rollout, so only a loop stuck far beyond that is unhealthy.
         */
        private boolean alive(WatchStatus now) {
            return overdue(now).compareTo(now.interval().multipliedBy(3).plus(Duration.ofMinutes(15))) < 0;
        }

        private Duration overdue(WatchStatus now) {
            var last = now.lastRound().map(WatchStatus.Round::ended).orElse(now.started());
            return Duration.between(last, clock.instant());
        }
    }
}
