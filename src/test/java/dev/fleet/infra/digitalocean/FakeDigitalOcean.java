package dev.fleet.infra.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DigitalOcean's load balancer API (v2) as its public reference describes it, on loopback: the bearer
 * token checked (401 {@code unauthorized} otherwise); {@code GET /v2/load_balancers/ID} answering
 * {@code {"load_balancer": {...}}} with its status, health check, tag and droplet ids; {@code POST}
 * and {@code DELETE /v2/load_balancers/ID/droplets} taking {@code {"droplet_ids": [...]}} and
 * answering 204 with no body; 404 {@code not_found} for an unknown balancer; 400 for a body that is
 * not JSON and 422 for one without droplet ids, or for a balancer that selects droplets by tag;
 * every error as {@code {"id", "message"}}, every answer with the {@code ratelimit-*} headers. A
 * test can queue canned answers ahead of it (a 429, a 500, silence), and reads the requests it got.
 */
public final class FakeDigitalOcean implements AutoCloseable {

    public static final String BALANCER = "4de7ac8b-495b-4884-9a69-1050c6793cd6";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/v2/load_balancers/([^/]+)(/droplets)?");

    /** A request as it arrived, at the time of the fake's clock. */
    public record Request(Instant at, String method, String path, String authorization, String body) {}

    /** An answer to give instead of the API's own; {@code hold} leaves the request unanswered. */
    public record Canned(int status, String body, Map<String, String> headers, boolean hold) {

        public static Canned error(int status, String id, String message) {
            return new Canned(status, JSON.createObjectNode().put("id", id).put("message", message)
                    .put("request_id", "4851a473-1621-42ea-b2f9-5071c0ea8414").toString(), Map.of(), false);
        }

        /** The burst limit's 429, with the documented Retry-After in seconds. */
        public static Canned burstLimited(long seconds) {
            Canned error = error(429, "too_many_requests", "API Rate limit exceeded.");
            return new Canned(429, error.body(), Map.of("Retry-After", Long.toString(seconds),
                    "ratelimit-remaining", "0"), false);
        }

        /** The hourly limit's 429: no request left until the oldest one expires at {@code reset}. */
        public static Canned hourLimited(Instant reset) {
            Canned error = error(429, "too_many_requests", "API Rate limit exceeded.");
            return new Canned(429, error.body(), Map.of("ratelimit-remaining", "0",
                    "ratelimit-reset", Long.toString(reset.getEpochSecond())), false);
        }

        public static Canned serverError() {
            return error(500, "server_error", "Unexpected server-side error");
        }

        public static Canned noAnswer() {
            return new Canned(0, "", Map.of(), true);
        }
    }

    /** One load balancer, as the API describes it. */
    private static final class Balancer {
        String status = "active";
        String tag = "";
        final Set<Long> droplets = new LinkedHashSet<>();
        int interval = 10;
        int healthy = 3;
        int unhealthy = 5;
    }

    private final HttpServer server;
    private final String token;
    private final Clock clock;
    private final Map<String, Balancer> balancers = new HashMap<>();
    /** Canned answers, each for the next request of its method (or of any, for a null method). */
    private final List<Map.Entry<String, Canned>> canned = new ArrayList<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch closed = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private int remaining = 5000;

    /** @param clock stamps each request, so a test can tell when it came on its own clock */
    public FakeDigitalOcean(String token, Clock clock) throws IOException {
        this.token = token;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public FakeDigitalOcean(String token) throws IOException {
        this(token, Clock.systemUTC());
    }

    public URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates (or replaces) an active balancer {@code id} with these droplets. */
    public synchronized void balancer(String id, long... droplets) {
        Balancer balancer = new Balancer();
        for (long droplet : droplets) {
            balancer.droplets.add(droplet);
        }
        balancers.put(id, balancer);
    }

    public synchronized void status(String id, String status) {
        balancers.get(id).status = status;
    }

    public synchronized void tag(String id, String tag) {
        balancers.get(id).tag = tag;
    }

    public synchronized void healthCheck(String id, int interval, int healthy, int unhealthy) {
        Balancer balancer = balancers.get(id);
        balancer.interval = interval;
        balancer.healthy = healthy;
        balancer.unhealthy = unhealthy;
    }

    public synchronized Set<Long> droplets(String id) {
        return Set.copyOf(balancers.get(id).droplets);
    }

    /** {@code answer} to the next request, whatever it is. */
    public synchronized void queue(Canned answer) {
        canned.add(new SimpleEntry<>(null, answer));
    }

    /** {@code answer} to the next request with {@code method}, requests of other methods answered as usual. */
    public synchronized void queue(String method, Canned answer) {
        canned.add(new SimpleEntry<>(method, answer));
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method) {
        return requests().stream().filter(r -> r.method().equals(method)).toList();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new Request(clock.instant(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    authorization, body));
            Canned answer;
            synchronized (this) {
                answer = canned.stream().filter(e -> e.getKey() == null || e.getKey().equals(exchange.getRequestMethod()))
                        .findFirst().map(e -> {
                            canned.remove(e);
                            return e.getValue();
                        }).orElse(null);
                remaining = Math.max(0, remaining - 1);
            }
            if (answer != null && answer.hold()) {
                closed.await(30, TimeUnit.SECONDS); // bounded: the client's timeout ends it first
                return;
            }
            if (answer == null) {
                answer = api(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), authorization, body);
            }
            respond(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void respond(HttpExchange exchange, Canned answer) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ratelimit-limit", "5000");
        synchronized (this) {
            headers.put("ratelimit-remaining", Integer.toString(remaining));
        }
        headers.put("ratelimit-reset", Long.toString(Instant.now().plusSeconds(3600).getEpochSecond()));
        headers.putAll(answer.headers());
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private synchronized Canned api(String method, String path, String authorization, String body) {
        if (!("Bearer " + token).equals(authorization)) {
            return Canned.error(401, "unauthorized", "Unable to authenticate you.");
        }
        Matcher matcher = PATH.matcher(path);
        Balancer balancer = matcher.matches() ? balancers.get(matcher.group(1)) : null;
        if (balancer == null) {
            return Canned.error(404, "not_found", "The resource you requested could not be found.");
        }
        boolean droplets = matcher.group(2) != null;
        return switch ((droplets ? "droplets " : "") + method) {
            case "GET" -> new Canned(200, JSON.createObjectNode().set("load_balancer",
                    describe(matcher.group(1), balancer)).toString(), Map.of(), false);
            case "droplets POST", "droplets DELETE" -> change(balancer, method.equals("POST"), body);
            default -> Canned.error(405, "method_not_allowed", "Method Not Allowed");
        };
    }

    private Canned change(Balancer balancer, boolean add, String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return Canned.error(400, "bad_request", "error parsing request body");
        }
        JsonNode ids = json == null ? null : json.get("droplet_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            return Canned.error(422, "unprocessable_entity", "droplet_ids is required");
        }
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber()) {
                return Canned.error(422, "unprocessable_entity", "droplet_ids must be integers");
            }
        }
        if (!balancer.tag.isEmpty()) {
            return Canned.error(422, "unprocessable_entity",
                    "Droplets cannot be added or removed individually when a load balancer is configured with a tag");
        }
        for (JsonNode id : ids) {
            if (add) {
                balancer.droplets.add(id.asLong());
            } else {
                balancer.droplets.remove(id.asLong());
            }
        }
        return new Canned(204, "", Map.of(), false);
    }

    private static ObjectNode describe(String id, Balancer balancer) {
        ObjectNode json = JSON.createObjectNode().put("id", id).put("name", "example-lb-01")
                .put("ip", "104.131.186.241").put("size_unit", 1).put("status", balancer.status)
                .put("created_at", "2017-02-01T22:22:58Z");
        json.putArray("forwarding_rules").addObject().put("entry_protocol", "http").put("entry_port", 80)
                .put("target_protocol", "http").put("target_port", 80);
        json.putObject("health_check").put("protocol", "http").put("port", 80).put("path", "/health")
                .put("check_interval_seconds", balancer.interval).put("response_timeout_seconds", 5)
                .put("unhealthy_threshold", balancer.unhealthy).put("healthy_threshold", balancer.healthy);
        json.putObject("sticky_sessions").put("type", "none");
        json.putObject("region").put("slug", "nyc3").put("name", "New York 3");
        json.put("tag", balancer.tag);
        ArrayNode droplets = json.putArray("droplet_ids");
        balancer.droplets.forEach(droplets::add);
        json.put("redirect_http_to_https", false).put("enable_proxy_protocol", false)
                .put("enable_backend_keepalive", false).put("http_idle_timeout_seconds", 60)
                .put("vpc_uuid", "c33931f2-a26a-4e61-b85c-4e95a2ec431b");
        return json;
    }
}
