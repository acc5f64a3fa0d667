package dev.fleet.infra.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry's HTTP API v2 on 127.0.0.1, as much of it as resolving a tag needs: manifests by tag,
 * HEAD and GET, behind no login, Basic, or Bearer with a token service at {@code /token}. Plain http,
 * as loopback registries are. It records each request's method, path and Authorization header.
 */
public final class FakeRegistry implements AutoCloseable {

    public static final String INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String TOKEN = "sentinel-registry-token-Zq8";

    /** How the registry wants its clients to log in. */
    public enum Login { NONE, BASIC, BEARER }

    private record Stored(String mediaType, byte[] body) {}

    private final HttpServer server;
    private final Map<String, Stored> manifests = new ConcurrentHashMap<>();
    public final List<String> requests = new CopyOnWriteArrayList<>();
    public volatile Login login = Login.NONE;
    public volatile String username = "deploy";
    public volatile String password = "sentinel-registry-password-Vx9";
    /** Whether anonymous clients get a Bearer token (as on Docker Hub for public images). */
    public volatile boolean anonymousTokens = true;
    /** Whether an anonymous token may read (a public repository); otherwise only the user's may. */
    public volatile boolean publicRead = false;
    public volatile boolean digestHeader = true;
    public volatile boolean headAllowed = true;

    public FakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/", this::manifest);
        server.createContext("/token", this::token);
        server.start();
    }

    /** host:port, as an image reference names the registry. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Stores a manifest of {@code mediaType} under {@code repository:tag}; returns its digest. */
    public String push(String repository, String tag, String mediaType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        manifests.put(repository + ":" + tag, new Stored(mediaType, bytes));
        return digest(bytes);
    }

    public static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void manifest(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + auth);
            if (!authorized(auth)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", login == Login.BASIC
                        ? "Basic realm=\"Registry Realm\""
                        : "Bearer realm=\"http://" + host() + "/token\",service=\"fake-registry\",scope=\"repository:"
                                + repository(exchange) + ":pull\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (exchange.getRequestMethod().equals("HEAD") && !headAllowed) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            int at = path.indexOf("/manifests/");
            Stored stored = at < 0 ? null : manifests.get(path.substring(4, at) + ":" + path.substring(at + 11));
            String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"));
            if (stored == null || !accept.contains(stored.mediaType())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", stored.mediaType());
            if (digestHeader) {
                exchange.getResponseHeaders().add("Docker-Content-Digest", digest(stored.body()));
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : stored.body().length);
            if (!head) {
                exchange.getResponseBody().write(stored.body());
            }
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add("TOKEN " + exchange.getRequestURI().getQuery() + " " + auth);
            boolean anonymous = auth == null;
            if (anonymous ? !anonymousTokens : !auth.equals(basic())) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            // An anonymous token does not open a private repository: the manifest answers 401 to it.
            byte[] body = ("{\"token\":\"" + (anonymous ? "anonymous" : TOKEN) + "\",\"expires_in\":300}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private boolean authorized(String auth) {
        return switch (login) {
            case NONE -> true;
            case BASIC -> basic().equals(auth);
            case BEARER -> ("Bearer " + TOKEN).equals(auth) || publicRead && "Bearer anonymous".equals(auth);
        };
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String repository(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        int at = path.indexOf("/manifests/");
        return at < 0 ? "" : path.substring(4, at);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
