package dev.fleet.infra.dns;

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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Cloudflare's DNS records API as its documentation describes it, on loopback, for one zone: the
 * bearer token checked, records listed a page at a time with {@code result_info}, created from the
 * documented body (identical ones refused with code 81058), deleted by id, every answer in the
 * {@code success/errors/messages/result} envelope. A test can queue canned answers ahead of it.
 *
 * <p>Public for the command-line tests ({@code CloudflareDnsWatchIT}), which point the {@code fleet}
 * process at it with {@code FLEET_CLOUDFLARE_API}.
 */
public final class FakeCloudflare implements AutoCloseable {

    public static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as it arrived. */
    public record Request(String method, String path, String query, String authorization, String body) {}

    /** An answer to give instead of the API's own; {@code hold} leaves the request unanswered. */
    record Canned(int status, String body, boolean hold, String location) {
        static Canned answer(int status, String body) {
            return new Canned(status, body, false, null);
        }

        static Canned noAnswer() {
            return new Canned(0, "", true, null);
        }

        static Canned redirect(URI to) {
            return new Canned(307, "", false, to.toString());
        }
    }

    private final HttpServer server;
    private final String token;
    private final Map<String, ObjectNode> records = new LinkedHashMap<>();
    private final Queue<Canned> canned = new ArrayDeque<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch closed = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private int nextId = 1;
    /** Records per page at most, whatever per_page asks: small, so that tests see pages. */
    volatile int pageSize = 100;

    public FakeCloudflare(String token) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4");
    }

    public synchronized void put(String type, String name, String content, int ttl) {
        String id = "%032x".formatted(nextId++);
        records.put(id, JSON.createObjectNode().put("id", id).put("type", type).put("name", name)
                .put("content", content).put("ttl", ttl).put("proxied", false).put("zone_id", ZONE));
    }

    public synchronized List<String> contents(String type) {
        return records.values().stream().filter(r -> r.path("type").asText().equals(type))
                .map(r -> r.path("content").asText()).toList();
    }

    synchronized void queue(Canned answer) {
        canned.add(answer);
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
            URI uri = exchange.getRequestURI();
            requests.add(new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            Canned answer;
            synchronized (this) {
                answer = canned.poll();
            }
            if (answer != null && answer.hold()) {
                closed.await(30, TimeUnit.SECONDS); // bounded: the client's timeout ends it first
                return;
            }
            if (answer == null) {
                answer = api(exchange.getRequestMethod(), uri, exchange.getRequestHeaders().getFirst("Authorization"),
                        body);
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (answer.location() != null) {
                exchange.getResponseHeaders().set("Location", answer.location());
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized Canned api(String method, URI uri, String authorization, String body) {
        if (!("Bearer " + token).equals(authorization)) {
            return error(403, 10000, "Authentication error");
        }
        String prefix = "/client/v4/zones/" + ZONE + "/dns_records";
        String path = uri.getPath();
        if (!path.startsWith("/client/v4/zones/")) {
            return error(404, 7000, "No route for that URI");
        }
        if (!path.startsWith(prefix)) {
            return error(404, 7003, "Could not route to " + path.substring("/client/v4".length())
                    + ", perhaps your object identifier is invalid?");
        }
        String rest = path.substring(prefix.length());
        return switch (method + " " + (rest.isEmpty() ? "" : "/id")) {
            case "GET " -> list(query(uri.getRawQuery()));
            case "POST " -> create(body);
            case "DELETE /id" -> delete(rest.substring(1));
            default -> error(405, 10405, "Method not allowed");
        };
    }

    private Canned list(Map<String, String> query) {
        int perPage = Integer.parseInt(query.getOrDefault("per_page", "100"));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        if (perPage < 5 || perPage > 5_000_000 || page < 1) {
            return error(400, 1004, "DNS Validation Error");
        }
        String name = query.get("name.exact");
        List<ObjectNode> matching = records.values().stream()
                .filter(r -> name == null || r.path("name").asText().equalsIgnoreCase(name))
                .filter(r -> !query.containsKey("type") || r.path("type").asText().equals(query.get("type")))
                .toList();
        int size = Math.min(perPage, pageSize);
        int totalPages = Math.max(1, (matching.size() + size - 1) / size);
        List<ObjectNode> slice = matching.subList(Math.min(matching.size(), (page - 1) * size),
                Math.min(matching.size(), page * size));
        ObjectNode answer = envelope(true);
        ArrayNode result = answer.putArray("result");
        slice.forEach(result::add);
        answer.putObject("result_info").put("page", page).put("per_page", size).put("count", slice.size())
                .put("total_count", matching.size()).put("total_pages", totalPages);
        return Canned.answer(200, answer.toString());
    }

    private Canned create(String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return error(400, 9207, "Request body is invalid.");
        }
        String type = json.path("type").asText();
        String name = json.path("name").asText();
        String content = json.path("content").asText();
        if (!(type.equals("A") || type.equals("AAAA")) || name.isEmpty() || name.endsWith(".") || content.isEmpty()
                || !json.path("ttl").isInt() || !json.path("proxied").isBoolean()) {
            return error(400, 9005, "Content for " + type + " record is invalid.");
        }
        boolean identical = records.values().stream().anyMatch(r -> r.path("type").asText().equals(type)
                && r.path("name").asText().equalsIgnoreCase(name) && r.path("content").asText().equals(content));
        if (identical) {
            return error(400, 81058, "An identical record already exists.");
        }
        put(type, name, content, json.path("ttl").asInt());
        ObjectNode answer = envelope(true);
        answer.set("result", records.values().stream().reduce((a, b) -> b).orElseThrow());
        return Canned.answer(200, answer.toString());
    }

    private Canned delete(String id) {
        if (records.remove(id) == null) {
            return error(404, 81044, "Record does not exist.");
        }
        ObjectNode answer = envelope(true);
        answer.putObject("result").put("id", id);
        return Canned.answer(200, answer.toString());
    }

    static Canned error(int status, int code, String message) {
        ObjectNode answer = envelope(false);
        answer.withArray("errors").addObject().put("code", code).put("message", message);
        answer.putNull("result");
        return Canned.answer(status, answer.toString());
    }

    private static ObjectNode envelope(boolean success) {
        ObjectNode answer = JSON.createObjectNode().put("success", success);
        answer.putArray("errors");
        answer.putArray("messages");
        return answer;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }
}
