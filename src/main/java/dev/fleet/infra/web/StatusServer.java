package dev.fleet.infra.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fleet.report.PrometheusMetrics;
import dev.fleet.report.WatchJson;
import dev.fleet.report.WatchPage;
import dev.fleet.rollout.watch.Published;
import dev.fleet.rollout.watch.WatchStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code fleet watch}'s status on a local address: {@code /} the live drift page, {@code
 * /drift.json}, {@code /healthz} and {@code /metrics}. Read-only, GET and HEAD only; every answer
 * is rendered from the latest published {@link WatchStatus}, so a request never waits for a round.
 */
public final class StatusServer implements Published {

    private final HttpServer server;
    private final Supplier<WatchStatus> status;
    private final Clock clock;

    private StatusServer(HttpServer server, Supplier<WatchStatus> status, Clock clock) {
        this.server = server;
        this.status = status;
        this.clock = clock;
    }

    /** Starts serving on {@code address} (a port of 0 picks a free one). */
    public static StatusServer start(InetSocketAddress address, Supplier<WatchStatus> status, Clock clock)
            throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        StatusServer served = new StatusServer(server, status, clock);
        server.createContext("/", served::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return served;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD only\n");
                return;
            }
            WatchStatus now = status.get();
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> send(exchange, 200, "text/html; charset=utf-8", WatchPage.render(now, clock.instant()));
                case "/drift.json" -> send(exchange, 200, "application/json", WatchJson.render(now));
                case "/metrics" -> send(exchange, 200, PrometheusMetrics.CONTENT_TYPE, PrometheusMetrics.render(now));
                case "/healthz" -> {
                    boolean alive = alive(now);
                    send(exchange, alive ? 200 : 503, "text/plain; charset=utf-8", alive ? "ok\n"
                            : "no round has ended for " + overdue(now).toSeconds() + "s\n");
                }
                default -> send(exchange, 404, "text/plain; charset=utf-8", "not found: try /, /drift.json,"
                        + " /healthz or /metrics\n");
            }
        }
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

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
