package dev.fleet.infra.digitalocean;

import dev.fleet.cloud.CloudApiException.Reason;
import dev.fleet.cloud.CloudApiException;
import dev.fleet.cloud.CloudBalancerApi;
import dev.fleet.cloud.CloudBalancerView;
import dev.fleet.desired.Durations;
import dev.fleet.infra.digitalocean.DigitalOceanAnswers.Failed;
import dev.fleet.infra.http.ApiToken;
import dev.fleet.infra.http.BoundedHttp.Answered;
import dev.fleet.infra.http.BoundedHttp.Outcome;
import dev.fleet.infra.http.BoundedHttp.TimedOut;
import dev.fleet.infra.http.BoundedHttp.TooLarge;
import dev.fleet.infra.http.BoundedHttp.Unreachable;
import dev.fleet.infra.http.BoundedHttp;
import dev.fleet.infra.http.RetryPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One DigitalOcean load balancer, through DigitalOcean's API v2 with an API token ({@code
 * Authorization: Bearer}): read it ({@code GET /v2/load_balancers/ID}), add a droplet ({@code POST
 * /v2/load_balancers/ID/droplets}, body {@code {"droplet_ids": [N]}}, answered 204), remove one
 * ({@code DELETE} there, the same body, 204). Written from DigitalOcean's public API reference and
 * tested against a loopback server that follows it; never run against DigitalOcean itself.
 *
 * <p>Each exchange has one deadline for the whole of it, body included, and reads at most {@link
 * #BODY_CAP} of an answer; no redirect is followed (it would carry the token along). A 429, a 5xx,
 * a timeout or a connection that failed are tried again as {@link RetryPolicy} says, honouring the
 * wait a 429 asks for; a 401, 403, 404, 400 or 422 fails at once. A change whose answer was lost (a
 * timeout, a 5xx) is looked at again before it is repeated. Stateless but for its settings: safe
 * from several threads.
 *
 * <p>The API reports no droplet's health: not in the load balancer, not anywhere public. The
 * control panel shows it; the API gives the balancer's {@code health_check} settings only.
 */
public final class DigitalOceanLoadBalancer implements CloudBalancerApi {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Far more than a load balancer's description; an answer past it is not the API's. */
    static final long BODY_CAP = 1024 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** DigitalOcean's ids are UUIDs; this only keeps one safe in a path. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");

    /** A call of one exchange, made again as the policy says. */
    @FunctionalInterface
    private interface Exchange {
        HttpRequest request();
    }

    private final URI balancer;
    private final URI droplets;
    private final String who;
    private final ApiToken token;
    private final BoundedHttp http;
    private final RetryPolicy retry;
    private final RetryPolicy.Sleeper sleeper;
    private final DigitalOceanAnswers answers;

    /**
     * @param api        DigitalOcean's API, https://api.digitalocean.com but in tests
     * @param balancerId the load balancer's id (a UUID)
     * @param timeout    how long one exchange may take, from connecting to the answer's last byte
     * @param clock      for the epoch second of a {@code ratelimit-reset}
     */
    public DigitalOceanLoadBalancer(URI api, String balancerId, ApiToken token, Duration timeout, RetryPolicy retry,
            RetryPolicy.Sleeper sleeper, Clock clock) {
        if (!ID.matcher(balancerId).matches()) {
            throw new IllegalArgumentException("not a DigitalOcean load balancer id: '" + balancerId + "'");
        }
        String base = api.toString().replaceAll("/+$", "");
        this.balancer = URI.create(base + "/v2/load_balancers/" + balancerId);
        this.droplets = URI.create(balancer + "/droplets");
        this.who = "DigitalOcean load balancer " + balancerId
                + (base.equals("https://api.digitalocean.com") ? "" : " at " + base);
        this.token = token;
        this.http = new BoundedHttp(HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build(), timeout, BODY_CAP);
        this.retry = retry;
        this.sleeper = sleeper;
        this.answers = new DigitalOceanAnswers(who, token, clock);
    }

    @Override
    public CloudBalancerView read() throws CloudApiException {
        String what = "read it";
        for (int failed = 1; ; failed++) {
            Outcome outcome = send(authorized(balancer).GET().build(), what);
            if (outcome instanceof Answered answered && answered.status() / 100 == 2) {
                return answers.balancer(answered, what);
            }
            pauseOrThrow(failure(outcome, what), failed);
        }
    }

    @Override
    public void add(long droplet) throws CloudApiException {
        change("add droplet " + droplet, droplet, true);
    }

    @Override
    public void remove(long droplet) throws CloudApiException {
        change("remove droplet " + droplet, droplet, false);
    }

    @Override
    public String describe() {
        return who;
    }

    @Override
    public String toString() {
        return who;
    }

    /** Sends the change until it is answered 2xx, or is seen done after a lost answer. */
    private void change(String what, long droplet, boolean listed) throws CloudApiException {
        String body = "{\"droplet_ids\":[" + droplet + "]}";
        Exchange exchange = () -> authorized(droplets).header("Content-Type", "application/json")
                .method(listed ? "POST" : "DELETE", HttpRequest.BodyPublishers.ofString(body)).build();
        for (int failed = 1; ; failed++) {
            Outcome outcome = send(exchange.request(), what);
            if (outcome instanceof Answered answered && answered.status() / 100 == 2) {
                return;
            }
            Failed failure = failure(outcome, what);
            pauseOrThrow(failure, failed);
            if (failure.ambiguous() && read().lists(droplet) == listed) {
                return; // it was done; only its answer was lost
            }
        }
    }

    /** Throws the failure when it is not worth another call; else pauses before the next. */
    private void pauseOrThrow(Failed failure, int failed) throws CloudApiException {
        CloudApiException e = failure.exception();
        if (!e.isTransient()) {
            throw e;
        }
        Optional<Duration> pause = retry.pauseAfter(failed, failure.serverWait());
        if (pause.isEmpty()) {
            String why = failure.serverWait().filter(retry::tooLong)
                    .map(wait -> "; it asked to wait " + Durations.timeout(wait.withNanos(0)) + ", longer than fleet waits ("
                            + Durations.timeout(retry.longestServerWait()) + ")")
                    .orElse("; tried " + failed + " times, " + (failed == 1 ? "" : "the last ") + "in vain");
            throw new CloudApiException(e.reason(), e.getMessage() + why, e.getCause());
        }
        try {
            sleeper.sleep(pause.get());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private Outcome send(HttpRequest request, String what) throws CloudApiException {
        try {
            return http.send(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudApiException(Reason.UNREACHABLE, who + ": interrupted while asked to " + what, e);
        }
    }

    private Failed failure(Outcome outcome, String what) {
        return switch (outcome) {
            case Answered answered -> answers.failure(answered, what);
            case TimedOut timedOut -> new Failed(new CloudApiException(Reason.TIMEOUT, who + " " + timedOut.describe()
                    + " when asked to " + what), Optional.empty(), true);
            case TooLarge tooLarge -> new Failed(answers.unexpected(what, tooLarge.describe()), Optional.empty(), false);
            case Unreachable unreachable -> new Failed(new CloudApiException(Reason.UNREACHABLE, token.redact(who + " "
                    + unreachable.describe() + " when asked to " + what + ": is the network up (and"
                    + " FLEET_DIGITALOCEAN_API, if set, right)?"), unreachable.cause()), Optional.empty(), true);
        };
    }

    private HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).header("Accept", "application/json")
                .header("Authorization", "Bearer " + token.secret().reveal());
    }
}
