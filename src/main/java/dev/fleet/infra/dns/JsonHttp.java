package dev.fleet.infra.dns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.dns.DnsException.Reason;
import dev.fleet.dns.DnsException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The HTTP and JSON the DNS providers share: one request at a time, each bounded by a timeout, no
 * redirect followed (it would carry the credential to another host), and every failure turned into
 * a {@link DnsException} whose message went through {@link ApiToken#redact}.
 */
final class JsonHttp {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** An answer: its status and body. */
    record Answer(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final String who;
    private final ApiToken token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param who     the provider in words, for messages: "PowerDNS at http://127.0.0.1:8081"
     * @param timeout how long one request may take, connection included
     */
    JsonHttp(String who, ApiToken token, Duration timeout) {
        this.who = who;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Sends {@code request} ({@code what} says what it was for, in messages) and reads the whole answer. */
    Answer send(HttpRequest.Builder request, String what) throws DnsException {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new DnsException(Reason.TIMEOUT, who + " did not answer " + what + " within "
                    + timeout.toMillis() + " ms: is it overloaded? fleet tries again next round", e);
        } catch (IOException e) {
            throw new DnsException(Reason.UNREACHABLE, token.redact(who + " could not be reached to " + what + " ("
                    + describe(e) + "): is it running, and is the API URL right?"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsException(Reason.UNREACHABLE, who + ": interrupted while asking to " + what, e);
        }
        if (response.statusCode() / 100 == 3) {
            throw new DnsException(Reason.UNEXPECTED_ANSWER, token.redact(who + " answered HTTP " + response.statusCode()
                    + " to " + what + ", a redirect (to " + response.headers().firstValue("Location").orElse("?")
                    + "): fleet follows none, as it would carry the token along; check the API URL"));
        }
        return new Answer(response.statusCode(), response.body());
    }

    /**
     * The failure an answer that was not 2xx stands for.
     *
     * @param detail     what the provider said, from its error body
     * @param zoneAdvice what to do when the zone is unknown (404)
     */
    DnsException failure(Answer answer, String what, String detail, String zoneAdvice) {
        int status = answer.status();
        String said = " (HTTP " + status + (detail.isBlank() ? "" : ": " + detail) + ")";
        String message;
        Reason reason;
        if (status == 401 || status == 403) {
            reason = Reason.CREDENTIALS;
            message = who + " refused the API token in " + token.variable() + " when asked to " + what + said
                    + ": check that it is the right token, still valid, and allowed to edit this zone";
        } else if (status == 404) {
            reason = Reason.ZONE_UNKNOWN;
            message = who + " does not know the zone" + said + " when asked to " + what + ": " + zoneAdvice;
        } else if (status == 429) {
            reason = Reason.RATE_LIMITED;
            message = who + " is rate limiting fleet" + said + ": fleet tries again next round";
        } else if (status / 100 == 5) {
            reason = Reason.SERVER_ERROR;
            message = who + " failed to " + what + said + ": fleet tries again next round";
        } else {
            reason = Reason.REJECTED;
            message = who + " rejected the request to " + what + said;
        }
        return new DnsException(reason, token.redact(message));
    }

    JsonNode parse(Answer answer, String what) throws DnsException {
        try {
            return JSON.readTree(answer.body());
        } catch (JsonProcessingException e) {
            throw unexpected(what, "its answer (HTTP " + answer.status() + ") is not JSON");
        }
    }

    DnsException unexpected(String what, String problem) {
        return new DnsException(Reason.UNEXPECTED_ANSWER, token.redact(who + " gave an answer fleet cannot read when"
                + " asked to " + what + ": " + problem + "; is the API URL that of the provider's API?"));
    }

    /** The request, with the JSON content type when it has a body. */
    static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header("Accept", "application/json");
    }

    /** Some of a body for a message: enough to recognise it, never a page of HTML. */
    static String excerpt(String body) {
        String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }
}
