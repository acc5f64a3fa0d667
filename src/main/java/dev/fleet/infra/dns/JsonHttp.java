package dev.fleet.infra.dns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.dns.DnsException.Reason;
import dev.fleet.dns.DnsException;
import dev.fleet.infra.http.ApiToken;
import dev.fleet.infra.http.BoundedHttp;
import dev.fleet.infra.http.BoundedHttp.Answered;
import dev.fleet.infra.http.BoundedHttp.Outcome;
import dev.fleet.infra.http.BoundedHttp.TimedOut;
import dev.fleet.infra.http.BoundedHttp.TooLarge;
import dev.fleet.infra.http.BoundedHttp.Unreachable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * The HTTP and JSON the DNS providers share: one request at a time, each whole exchange bounded by
 * a timeout and its answer by {@link #BODY_CAP}, no redirect followed (it would carry the credential to another host), and every failure turned into
 * a {@link DnsException} whose message went through {@link ApiToken#redact}.
 */
final class JsonHttp {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Far more than a zone's records for one name; an answer past it is not a DNS API's. */
    static final long BODY_CAP = 1024 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** An answer: its status and body. */
    record Answer(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final String who;
    private final ApiToken token;
    private final BoundedHttp http;

    /**
     * @param who     the provider in words, for messages: "PowerDNS at http://127.0.0.1:8081"
     * @param timeout how long one request may take, from connecting to the answer's last byte
     */
    JsonHttp(String who, ApiToken token, Duration timeout) {
        this.who = who;
        this.token = token;
        this.http = new BoundedHttp(HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build(), timeout, BODY_CAP);
    }

    /**
     * Sends {@code request} ({@code what} says what it was for, in messages) and reads the whole
     * answer, within the timeout and {@link #BODY_CAP}.
     */
    Answer send(HttpRequest.Builder request, String what) throws DnsException {
        Outcome outcome;
        try {
            outcome = http.send(request.build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsException(Reason.UNREACHABLE, who + ": interrupted while asking to " + what, e);
        }
        return switch (outcome) {
            case Answered answered when answered.status() / 100 == 3 -> throw new DnsException(
                    Reason.UNEXPECTED_ANSWER, token.redact(who + " answered HTTP " + answered.status() + " to " + what
                            + ", a redirect (to " + answered.headers().firstValue("Location").orElse("?")
                            + "): fleet follows none, as it would carry the token along; check the API URL"));
            case Answered answered -> new Answer(answered.status(), answered.text());
            case TimedOut timedOut -> throw new DnsException(Reason.TIMEOUT, who + " " + timedOut.describe() + " when"
                    + " asked to " + what + ": is it overloaded? fleet tries again next round");
            case TooLarge tooLarge -> throw new DnsException(Reason.UNEXPECTED_ANSWER, token.redact(who + " "
                    + tooLarge.describe() + " when asked to " + what + "; is the API URL that of the provider's API?"));
            case Unreachable unreachable -> throw new DnsException(Reason.UNREACHABLE, token.redact(who + " "
                    + unreachable.describe() + " when asked to " + what + ": is it running, and is the API URL right?"),
                    unreachable.cause());
        };
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
}
