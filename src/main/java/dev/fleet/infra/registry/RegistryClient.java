package dev.fleet.infra.registry;

import static dev.fleet.desired.pin.ImagePinException.Reason.BAD_ANSWER;
import static dev.fleet.desired.pin.ImagePinException.Reason.CREDENTIALS_REFUSED;
import static dev.fleet.desired.pin.ImagePinException.Reason.NEEDS_CREDENTIALS;
import static dev.fleet.desired.pin.ImagePinException.Reason.NOT_FOUND;
import static dev.fleet.desired.pin.ImagePinException.Reason.PLAIN_HTTP_REFUSED;
import static dev.fleet.desired.pin.ImagePinException.Reason.UNREACHABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.desired.Hosts;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.RegistryCredentials;
import dev.fleet.desired.pin.DigestResolver;
import dev.fleet.desired.pin.ImageName;
import dev.fleet.desired.pin.ImagePinException;
import dev.fleet.infra.http.BoundedHttp;
import dev.fleet.infra.http.BoundedHttp.Answered;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Resolves a tag to its digest through a registry's HTTP API v2: {@code HEAD /v2/<repo>/manifests/<tag>}
 * (GET when HEAD is not allowed), accepting OCI and Docker indexes and manifests, so that a
 * multi-platform tag gives its index's digest. The digest is the {@code Docker-Content-Digest}
 * header's, else the sha256 of the manifest's bytes.
 *
 * <p>Logs in as registries ask with a 401: Basic with the state's credentials, or Bearer with a token
 * from the challenge's realm, fetched with the credentials when there are some and anonymously
 * otherwise (how public images on Docker Hub and GHCR are read). https, except to a registry on this
 * machine's loopback, which is asked over plain http; with {@code allowPlainHttp}, plain http to
 * another machine too, once https failed its TLS handshake, as Docker does for an insecure registry. No redirect is followed: it would carry the
 * credentials along. Each exchange ends within {@link #DEADLINE} and reads at most {@link #CAP}.
 */
public final class RegistryClient implements DigestResolver {

    /** Each exchange's deadline, from connecting to the last byte. */
    static final Duration DEADLINE = Duration.ofSeconds(20);
    /** Registries refuse manifests over 4 MiB; a token answer is far less. */
    static final long CAP = 4L * 1024 * 1024;
    static final String ACCEPT = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BoundedHttp http;

    public RegistryClient() {
        this(new BoundedHttp(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build(), DEADLINE, CAP));
    }

    RegistryClient(BoundedHttp http) {
        this.http = http;
    }

    @Override
    public String digestOf(ImageName image, Optional<RegistryCredentials> login, boolean allowPlainHttp)
            throws ImagePinException, InterruptedException {
        boolean loopback = Hosts.isLoopback(host(image.registry()));
        boolean plainAllowed = allowPlainHttp || loopback;
        Exchange exchange = new Exchange(image, login, plainAllowed);
        String path = "/v2/" + image.path() + "/manifests/" + image.tag().orElseThrow();
        Manifest answer;
        try {
            // A registry on this machine's loopback is reached over plain http, as Docker does: nothing
            // crosses a network. (Trying https first could wait for ever on a plain http server.)
            answer = exchange.manifest(URI.create((loopback ? "http://" : "https://") + image.registry() + path));
        } catch (TlsFailed e) {
            if (!plainAllowed) {
                throw unreachable(image, e.failure, "is it serving https? For a registry on plain http (only on a"
                        + " network that is yours), add --allow-insecure-http");
            }
            try {
                answer = exchange.manifest(URI.create("http://" + image.registry() + path));
            } catch (TlsFailed impossible) {
                throw new IllegalStateException("plain http has no TLS", impossible);
            }
        }
        Optional<String> header = answer.answered().headers().firstValue("Docker-Content-Digest")
                .filter(d -> ImageRef.DIGEST.matcher(d).matches());
        if (header.isPresent()) {
            return header.get();
        }
        // No digest header: the digest is that of the manifest's bytes, as the registry serves them.
        Answered whole = answer.request().equals("GET") ? answer.answered()
                : exchange.send("GET", answer.uri(), answer.authorization());
        if (whole.status() != 200) {
            throw new ImagePinException(BAD_ANSWER, image.registry() + " answered HTTP " + whole.status() + " to GET"
                    + " the manifest of " + image + " it had just found, without a Docker-Content-Digest",
                    "try again; if it persists, give the digest instead (docker buildx imagetools inspect " + image + ")");
        }
        return "sha256:" + sha256(whole.body());
    }

    /** One resolution's exchanges, and the authorization found for them. */
    private final class Exchange {
        private final ImageName image;
        private final Optional<RegistryCredentials> login;
        private final boolean plainAllowed;

        Exchange(ImageName image, Optional<RegistryCredentials> login, boolean plainAllowed) {
            this.image = image;
            this.login = login;
            this.plainAllowed = plainAllowed;
        }

        /** The manifest's answer (HEAD, or GET where HEAD is not allowed), logged in when asked to. */
        Manifest manifest(URI uri) throws ImagePinException, InterruptedException, TlsFailed {
            Manifest answer = headOrGet(uri, Optional.empty());
            if (answer.answered().status() == 401) {
                Optional<String> authorization = Optional.of(authorize(answer.answered(), uri));
                answer = headOrGet(uri, authorization);
                if (answer.answered().status() == 401 || answer.answered().status() == 403) {
                    throw refused();
                }
            }
            int status = answer.answered().status();
            if (status == 404) {
                throw new ImagePinException(NOT_FOUND, "tag not found in registry: " + image.registry() + " has no "
                        + image.path() + ":" + image.tag().orElseThrow(), "check the tag and that it was pushed:"
                        + " docker buildx imagetools inspect " + image);
            }
            if (status / 100 != 2) {
                throw new ImagePinException(BAD_ANSWER, image.registry() + " answered HTTP " + status
                        + answer.answered().headers().firstValue("Location").map(l -> " (a redirect to " + l
                                + ", which fleet does not follow)").orElse("") + " when asked for " + image,
                        "check the registry's host and port in IMAGE, and its status");
            }
            return answer;
        }

        private Manifest headOrGet(URI uri, Optional<String> authorization)
                throws ImagePinException, InterruptedException, TlsFailed {
            Answered head = sendOrTls("HEAD", uri, authorization);
            int status = head.status();
            // Some registries and proxies do not allow HEAD on manifests: GET is what pull uses.
            if (status == 405 || status == 400 || status == 501) {
                return new Manifest("GET", uri, authorization, sendOrTls("GET", uri, authorization));
            }
            return new Manifest("HEAD", uri, authorization, head);
        }

        private Answered sendOrTls(String method, URI uri, Optional<String> authorization)
                throws ImagePinException, InterruptedException, TlsFailed {
            BoundedHttp.Outcome outcome = http.send(request(method, uri, authorization, ACCEPT));
            if (outcome instanceof BoundedHttp.Unreachable(IOException cause) && uri.getScheme().equals("https")
                    && causedByTls(cause)) {
                throw new TlsFailed(outcome);
            }
            return answered(outcome, uri);
        }

        Answered send(String method, URI uri, Optional<String> authorization)
                throws ImagePinException, InterruptedException {
            return answered(http.send(request(method, uri, authorization, ACCEPT)), uri);
        }

        private Answered answered(BoundedHttp.Outcome outcome, URI uri) throws ImagePinException {
            return switch (outcome) {
                case Answered answered -> answered;
                case BoundedHttp.TooLarge tooLarge -> throw new ImagePinException(BAD_ANSWER, uri.getHost() + " "
                        + tooLarge.describe(), "check that " + uri.getHost() + " is a registry");
                default -> throw unreachable(image, outcome, "check that the registry is up, and the host and port in"
                        + " IMAGE; behind a VPN or a firewall, connect first");
            };
        }

        /** The Authorization header the challenge of {@code answer} asks for. */
        private String authorize(Answered answer, URI uri) throws ImagePinException, InterruptedException {
            Challenge challenge = Challenge.choose(answer.headers().allValues("WWW-Authenticate"))
                    .orElseThrow(() -> new ImagePinException(BAD_ANSWER, image.registry() + " answered HTTP 401"
                            + " without a WWW-Authenticate challenge", "is " + image.registry() + " a registry?"));
            return switch (challenge.scheme()) {
                case "basic" -> basic().orElseThrow(this::needsCredentials);
                case "bearer" -> "Bearer " + token(challenge);
                default -> throw new ImagePinException(BAD_ANSWER, image.registry() + " asks for " + challenge.scheme()
                        + " authentication, which fleet does not speak (only Basic and Bearer)", null);
            };
        }

        /** A token from the challenge's realm, asked for with the credentials when there are some. */
        private String token(Challenge challenge) throws ImagePinException, InterruptedException {
            String realm = challenge.param("realm").orElseThrow(() -> new ImagePinException(BAD_ANSWER,
                    image.registry() + " sent a Bearer challenge without a realm", null));
            URI uri = URI.create(realm);
            if (!"https".equalsIgnoreCase(uri.getScheme())
                    && !("http".equalsIgnoreCase(uri.getScheme()) && (plainAllowed || Hosts.isLoopback(uri.getHost())))) {
                throw new ImagePinException(PLAIN_HTTP_REFUSED, image.registry() + " sends fleet for a token to "
                        + uri.getScheme() + "://" + uri.getHost() + ", which is not https", "add --allow-insecure-http"
                        + " if that network is yours");
            }
            String query = challenge.param("service").map(s -> "service=" + encode(s) + "&").orElse("") + "scope="
                    + encode(challenge.param("scope").orElse("repository:" + image.path() + ":pull"));
            URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
            Answered answer = send("GET", tokenUri, basic());
            if (answer.status() == 401 || answer.status() == 403) {
                throw login.isPresent() ? refused() : needsCredentials();
            }
            try {
                JsonNode json = answer.status() == 200 ? JSON.readTree(answer.body()) : null;
                JsonNode token = json == null ? null : json.hasNonNull("token") ? json.get("token") : json.get("access_token");
                if (token != null && token.isTextual() && !token.asText().isBlank()) {
                    return token.asText();
                }
            } catch (IOException e) {
                // Said below, without the body, which may hold a token.
            }
            throw new ImagePinException(BAD_ANSWER, tokenUri.getHost() + " answered HTTP " + answer.status()
                    + " without a token when asked for one to read " + image.path(), "check the registry's status");
        }

        private Optional<String> basic() {
            return login.map(l -> "Basic " + Base64.getEncoder().encodeToString(
                    (l.username() + ":" + l.password().reveal()).getBytes(StandardCharsets.UTF_8)));
        }

        private ImagePinException refused() {
            return login.isEmpty() ? needsCredentials() : new ImagePinException(CREDENTIALS_REFUSED, "the registry "
                    + image.registry() + " refused the credentials of registry.username " + login.get().username()
                    + " for " + image.path(), "check the password the state's registry section names"
                    + " (password-from-env or password-from-file), and that this user may pull " + image.path());
        }

        private ImagePinException needsCredentials() {
            return new ImagePinException(NEEDS_CREDENTIALS, "the registry " + image.registry() + " wants credentials"
                    + " to read " + image.path() + " (or it has no such repository), and the state has none for it",
                    "check the repository's name; for a private one, add a registry section for " + image.registry()
                            + " (server, username, password-from-env); see fleet-state/example.yaml");
        }
    }

    /** A manifest's answer, and how it was asked for. */
    private record Manifest(String request, URI uri, Optional<String> authorization, Answered answered) {}

    /** https failed in its TLS handshake: the registry may speak plain http. */
    private static final class TlsFailed extends Exception {
        final BoundedHttp.Outcome failure;

        TlsFailed(BoundedHttp.Outcome failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }

    private static HttpRequest request(String method, URI uri, Optional<String> authorization, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", accept).header("User-Agent", "fleet");
        authorization.ifPresent(a -> request.header("Authorization", a));
        return request.build();
    }

    private static ImagePinException unreachable(ImageName image, BoundedHttp.Outcome outcome, String hint) {
        return new ImagePinException(UNREACHABLE, "the registry " + image.registry() + " " + outcome.describe()
                + " when asked for " + image, hint);
    }

    private static boolean causedByTls(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String host(String registry) {
        return registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.replaceFirst(":[0-9]+$", "");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
