package dev.fleet.infra.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.cloud.CloudApiException.Reason;
import dev.fleet.cloud.CloudApiException;
import dev.fleet.cloud.CloudBalancerView;
import dev.fleet.infra.http.ApiToken;
import dev.fleet.infra.http.BoundedHttp.Answered;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What DigitalOcean's answers mean, as its API reference documents them: an error is {@code {"id":
 * "not_found", "message": "..."}} with the status saying which kind; a 429 says how long to wait in
 * {@code Retry-After} (the per-minute burst limit) or in {@code ratelimit-reset}, the epoch second
 * at which the oldest request of the hour's quota expires; a load balancer is {@code
 * {"load_balancer": {...}}}. Every message went through {@link ApiToken#redact}.
 */
final class DigitalOceanAnswers {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A failed exchange: what to throw, how long the server asked to wait, and whether the request may have been done. */
    record Failed(CloudApiException exception, Optional<Duration> serverWait, boolean ambiguous) {}

    private final String who;
    private final ApiToken token;
    private final Clock clock;

    /** @param clock for {@code ratelimit-reset}, an epoch second */
    DigitalOceanAnswers(String who, ApiToken token, Clock clock) {
        this.who = who;
        this.token = token;
        this.clock = clock;
    }

    /** The failure a non-2xx answer to the request for {@code what} stands for. */
    Failed failure(Answered answer, String what) {
        int status = answer.status();
        String said = " (HTTP " + status + detail(answer.text()).map(d -> ": " + d).orElse("") + ")";
        String variable = token.variable();
        if (status / 100 == 3) {
            return terminal(Reason.UNEXPECTED_ANSWER, who + " answered a redirect (HTTP " + status + ", to "
                    + answer.headers().firstValue("Location").orElse("?") + ") when asked to " + what + ": fleet"
                    + " follows none, as it would carry the token along; check " + variable + "'s API URL");
        }
        return switch (status) {
            case 401 -> terminal(Reason.CREDENTIALS, "the token in " + variable + " was refused by " + who
                    + " when asked to " + what + said + ": check that " + variable + " holds a DigitalOcean API"
                    + " token that is neither expired nor revoked");
            case 403 -> terminal(Reason.CREDENTIALS, "the token in " + variable + " may not " + what + said
                    + ": give it the load_balancer:read and load_balancer:update scopes");
            case 404 -> terminal(Reason.NOT_FOUND, who + " was not found when asked to " + what + said + ": check"
                    + " balancer.load-balancer-id (doctl compute load-balancer list), the droplets' digitalocean-id,"
                    + " and that the token belongs to the team that owns them");
            case 429 -> new Failed(new CloudApiException(Reason.RATE_LIMITED, token.redact(who + " is rate limiting"
                    + " the token in " + variable + " when asked to " + what + said)), serverWait(answer.headers()),
                    false);
            default -> status / 100 == 5
                    ? new Failed(new CloudApiException(Reason.SERVER_ERROR, token.redact(who + " failed to " + what
                            + said)), Optional.empty(), true)
                    : terminal(Reason.REJECTED, who + " refused to " + what + said + (status == 422 ? ": a load"
                            + " balancer that selects its droplets by tag takes no single droplet, and a droplet must"
                            + " be in the load balancer's region" : ""));
        };
    }

    /**
     * How long the server asked to wait: {@code Retry-After} (seconds, or an HTTP date), else until
     * {@code ratelimit-reset} when it says no request is left.
     */
    Optional<Duration> serverWait(HttpHeaders headers) {
        Optional<String> retryAfter = headers.firstValue("Retry-After").map(String::strip);
        if (retryAfter.isPresent()) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(retryAfter.get())));
            } catch (NumberFormatException e) {
                try {
                    Instant at = ZonedDateTime.parse(retryAfter.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Optional.of(Duration.between(clock.instant(), at));
                } catch (DateTimeParseException notADate) {
                    // neither form: fall through to the rate-limit headers
                }
            }
        }
        boolean spent = headers.firstValue("ratelimit-remaining").map(String::strip).filter("0"::equals).isPresent();
        Optional<String> reset = headers.firstValue("ratelimit-reset").map(String::strip);
        if (spent && reset.isPresent() && reset.get().matches("[0-9]{1,12}")) {
            return Optional.of(Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(reset.get()))));
        }
        return Optional.empty();
    }

    /** The load balancer in a 200 answer to a GET of it. */
    CloudBalancerView balancer(Answered answer, String what) throws CloudApiException {
        JsonNode json;
        try {
            json = JSON.readTree(answer.text());
        } catch (Exception e) {
            throw unexpected(what, "its answer (HTTP " + answer.status() + ") is not JSON");
        }
        JsonNode balancer = json == null ? null : json.get("load_balancer");
        if (balancer == null || !balancer.isObject()) {
            throw unexpected(what, "its answer has no load_balancer object");
        }
        String status = balancer.path("status").asText("");
        JsonNode ids = balancer.path("droplet_ids");
        if (status.isEmpty() || !(ids.isArray() || ids.isMissingNode() || ids.isNull())) {
            throw unexpected(what, "the load balancer has no status, or droplet_ids is not a list");
        }
        Set<Long> droplets = new HashSet<>();
        for (JsonNode id : ids) {
            if (!id.canConvertToLong() || !id.isIntegralNumber()) {
                throw unexpected(what, "droplet_ids holds something other than droplet ids");
            }
            droplets.add(id.asLong());
        }
        String tag = balancer.path("tag").asText("").strip();
        Optional<String> unusable = tag.isEmpty() ? Optional.empty() : Optional.of("it selects its droplets by the"
                + " tag '" + tag + "', and DigitalOcean adds or removes no single droplet of such a load balancer (HTTP"
                + " 422): list its droplets by id instead (remove the tag in its settings)");
        return new CloudBalancerView(balancer.path("name").asText(""), status, status.equals("active"), droplets,
                checks(balancer.path("health_check"), what), unusable);
    }

    private CloudBalancerView.HealthChecks checks(JsonNode check, String what) throws CloudApiException {
        int interval = check.path("check_interval_seconds").asInt(0);
        int healthy = check.path("healthy_threshold").asInt(0);
        int unhealthy = check.path("unhealthy_threshold").asInt(0);
        if (interval < 1 || healthy < 1 || unhealthy < 1) {
            throw unexpected(what, "its health_check has no check_interval_seconds, healthy_threshold and"
                    + " unhealthy_threshold");
        }
        return new CloudBalancerView.HealthChecks(Duration.ofSeconds(interval), healthy, unhealthy);
    }

    CloudApiException unexpected(String what, String problem) {
        return new CloudApiException(Reason.UNEXPECTED_ANSWER, token.redact(who + " gave an answer fleet cannot read"
                + " when asked to " + what + ": " + problem + "; is " + token.variable() + "'s API that of DigitalOcean?"));
    }

    private Failed terminal(Reason reason, String message) {
        return new Failed(new CloudApiException(reason, token.redact(message)), Optional.empty(), false);
    }

    /** What the error body says, {@code id: message}, shortened; empty when it is not DigitalOcean's error shape. */
    private static Optional<String> detail(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.isObject() && (json.has("id") || json.has("message"))) {
                String text = json.path("id").asText("") + (json.has("message") ? ": " + json.path("message").asText("") : "")
                        + (json.has("request_id") ? " (request " + json.path("request_id").asText("") + ")" : "");
                return Optional.of(excerpt(text.replaceFirst("^: ", "")));
            }
        } catch (Exception e) {
            // not JSON: a proxy's error page, say
        }
        String line = excerpt(body);
        return line.isEmpty() ? Optional.empty() : Optional.of(line);
    }

    /** Some of a text for a message: enough to recognise it, never a page of HTML. */
    private static String excerpt(String text) {
        String line = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
